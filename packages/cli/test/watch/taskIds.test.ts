import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../src/watch/listCursor.js";
import { taskCollectedBy, taskCreatedBy, taskOfRequest } from "../../src/watch/taskIds.js";

const created = { type: "task", event: "created", session_id: "s", task_id: "t1", tool_name: "slow", result: null, protocol: "mcpc" };

describe("what the watch runner reads off the wire", () => {
  it("learns a task id from every answer that creates one: native, native as text, legacy, MCP task, job handle", () => {
    expect(taskCreatedBy({ content: [], structuredContent: { ...created, seq: 1 } })).toEqual({ taskId: "t1", pulled: false });
    expect(taskCreatedBy({ content: [{ type: "text", text: JSON.stringify(created) }] })).toEqual({ taskId: "t1", pulled: false });
    expect(taskCreatedBy({ task: { taskId: "m1", status: "working" } })).toEqual({ taskId: "m1", pulled: true });
    expect(taskCreatedBy({ content: [], structuredContent: { taskId: "h1", status: "working", handle: { status: "task_status" } } })).toEqual({ taskId: "h1", pulled: true });
  });

  it("learns nothing from a tool's own answer, even one that mentions a task", () => {
    expect(taskCreatedBy({ content: [{ type: "text", text: '{"event":"created","task_id":"x"}' }] })).toBeUndefined();
    expect(taskCreatedBy({ content: [], structuredContent: { taskId: "x" } })).toBeUndefined();
    expect(taskCreatedBy(undefined)).toBeUndefined();
  });

  it("reads which task a request is about, in each dialect", () => {
    expect(taskOfRequest("mcpc/tasks/stop", { task_id: "a" })).toBe("a");
    expect(taskOfRequest("tasks/result", { taskId: "b" })).toBe("b");
    expect(taskOfRequest("resources/read", { uri: "mcpc://tasks/c%2Fd" })).toBe("c/d");
    expect(taskOfRequest("tools/call", { name: "task_result", arguments: { taskId: "e" } })).toBe("e");
    expect(taskOfRequest("tools/call", { name: "slow", arguments: {} })).toBeUndefined();
    expect(taskOfRequest("tasks/list", {})).toBeUndefined();
  });

  it("counts a pulled outcome as read once the host has it, not while it is still running", () => {
    const answer = (result: Record<string, unknown>) => ({ jsonrpc: "2.0" as const, id: 1, result });
    expect(taskCollectedBy("tasks/result", { taskId: "m" }, answer({ content: [] }))).toBe("m");
    expect(taskCollectedBy("tasks/get", { taskId: "m" }, answer({ status: "completed" }))).toBeUndefined();
    expect(taskCollectedBy("tasks/get", { taskId: "m" }, answer({ status: "failed" }))).toBe("m");
    const handle = { name: "task_result", arguments: { taskId: "h" } };
    expect(taskCollectedBy("tools/call", handle, answer({ content: [], structuredContent: { taskId: "h", status: "working", handle: {} } }))).toBeUndefined();
    expect(taskCollectedBy("tools/call", handle, answer({ content: [{ type: "text", text: "done" }] }))).toBe("h");
  });

  it("pages merged task lists with cursors of its own, and leaves other cursors alone", () => {
    expect(decodeCursor(encodeCursor({ generation: 2, inner: "abc" }))).toEqual({ generation: 2, inner: "abc" });
    expect(decodeCursor(encodeCursor({ generation: 3 }))).toEqual({ generation: 3 });
    expect(decodeCursor("abc")).toBeUndefined();
    expect(decodeCursor("mcpc-serve:!!")).toBeUndefined();
  });
});
