import { describe, expect, it } from "vitest";
import type { TaskSnapshot } from "../../../src/protocol/message.js";
import { messageOfUpdate, resultOf, statusMessageOf, taskOf } from "../../../src/rungs/mcpTasks/mcpTaskView.js";

const base: TaskSnapshot = { task_id: "t1", tool_name: "process_data", status: "working", seq: 2, created_at: 1_000, updated_at: 2_000 };
const defaults = { ttlMs: 3_600_000, pollIntervalMs: 500 };
const related = { "io.modelcontextprotocol/related-task": { taskId: "t1" } };

describe("the MCP view of an engine record", () => {
  it("maps times to ISO strings, takes the record's own ttl or the server's, and the poll interval", () => {
    expect(taskOf(base, defaults)).toEqual({
      taskId: "t1",
      status: "working",
      createdAt: new Date(1_000).toISOString(),
      lastUpdatedAt: new Date(2_000).toISOString(),
      ttl: 3_600_000,
      pollInterval: 500,
    });
    expect(taskOf({ ...base, ttl_ms: 60_000 }, defaults).ttl).toBe(60_000);
  });

  it("reads the status message from the latest update: a string, an object's message, then its status", () => {
    expect(messageOfUpdate("Processing...")).toBe("Processing...");
    expect(messageOfUpdate({ progress: 3, total: 5, message: "step 3/5" })).toBe("step 3/5");
    expect(messageOfUpdate({ status: "indexing" })).toBe("indexing");
    expect(messageOfUpdate({ progress: 3 })).toBeUndefined();
    expect(messageOfUpdate(42)).toBeUndefined();
    expect(taskOf({ ...base, last_update: { message: "step 2/5" } }, defaults).statusMessage).toBe("step 2/5");
    expect(statusMessageOf({ status: "failed", error: "boom", last_update: "step 1" })).toBe("boom");
  });

  it("answers tasks/result as the plain call would, tagged with the task", () => {
    expect(resultOf({ ...base, status: "completed", result: { ok: true } })).toEqual({
      content: [{ type: "text", text: '{"ok":true}' }],
      structuredContent: { ok: true },
      _meta: related,
    });
    expect(resultOf({ ...base, status: "failed", error: "boom: it broke" })).toEqual({
      content: [{ type: "text", text: "boom: it broke" }],
      isError: true,
      _meta: related,
    });
    expect(resultOf({ ...base, status: "cancelled", error: "Cancelled by the client (tasks/cancel)" })).toEqual({
      content: [{ type: "text", text: 'Tool "process_data" was cancelled: Cancelled by the client (tasks/cancel).' }],
      isError: true,
      _meta: related,
    });
  });
});
