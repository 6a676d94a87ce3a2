import { describe, expect, it } from "vitest";
import type { TaskSnapshot } from "../../../src/protocol/message.js";
import { resolveJobHandles } from "../../../src/rungs/handles/handleOptions.js";
import { handoffResult, listResult, progressWords, statusResult } from "../../../src/rungs/handles/handleView.js";

const handles = resolveJobHandles(undefined)!; // eslint-disable-line @typescript-eslint/no-non-null-assertion -- on by default
const task: TaskSnapshot = { task_id: "t-1", tool_name: "process_data", status: "working", seq: 4, created_at: 0, updated_at: 1_000, last_update: { progress: 3, total: 5, message: "step 3/5" } };

describe("what the handles say", () => {
  it("words the latest update: its message, else its numbers", () => {
    expect(progressWords("Processing...")).toBe("Processing...");
    expect(progressWords({ progress: 3, total: 5 })).toBe("3/5");
    expect(progressWords({ progress: 7 })).toBe("progress 7");
    expect(progressWords(undefined)).toBeUndefined();
  });

  it("tells the model what happened and what to do, with the same facts in structuredContent", () => {
    const result = handoffResult(task, handles);
    expect(result.isError).toBeUndefined();
    expect(result.content).toEqual([
      {
        type: "text",
        text: '"process_data" is still running (step 3/5). It continues in the background: call task_status with taskId "t-1" to see how it is doing, task_result to wait for its result, task_stop to stop it.',
      },
    ]);
    expect(result.structuredContent).toMatchObject({ taskId: "t-1", tool: "process_data", status: "working", progress: { progress: 3, total: 5 }, handle: handles.names });
  });

  it("says how a task ended, and lists tasks newest first as given", () => {
    expect(statusResult({ ...task, status: "failed", error: "disk full" }, handles).content[0]).toEqual({ type: "text", text: '"process_data" failed: disk full.' });
    expect(statusResult({ ...task, status: "cancelled", error: "Stopped by the client (task_stop)" }, handles).structuredContent).toMatchObject({ status: "cancelled" });
    const listed = listResult([task, { ...task, task_id: "t-0", status: "completed" }], handles);
    expect((listed.structuredContent as { tasks: { taskId: string }[] }).tasks.map((t) => t.taskId)).toEqual(["t-1", "t-0"]);
    expect(listResult([], handles).content[0]).toEqual({ type: "text", text: "No background tasks in this conversation." });
  });
});
