import { RELATED_TASK_META_KEY, type CallToolResult, type Task } from "@modelcontextprotocol/sdk/types.js";
import type { TaskSnapshot } from "../../protocol/message.js";
import { endResult } from "../../call/toolResult.js";

/** The `_meta` key of the text a host may show its model at once, while the task runs (spec 2025-11-25). */
export const MODEL_IMMEDIATE_RESPONSE_META = "io.modelcontextprotocol/model-immediate-response";

/** What an MCP task view needs beyond the engine's record: the server's own retention and poll interval. */
export interface TaskViewDefaults {
  /** The retention of a task started without one of its own (a native or fallback task seen through `tasks/get`). */
  readonly ttlMs: number;
  readonly pollIntervalMs: number;
}

/**
 * The MCP `Task` of an engine record: one record, two views (`mcpc/tasks/get`
 * and `tasks/get` see the same id and status).
 */
export function taskOf(snapshot: TaskSnapshot, defaults: TaskViewDefaults): Task {
  const task: Task = {
    taskId: snapshot.task_id,
    status: snapshot.status,
    createdAt: new Date(snapshot.created_at).toISOString(),
    lastUpdatedAt: new Date(snapshot.updated_at).toISOString(),
    ttl: snapshot.ttl_ms ?? defaults.ttlMs,
    pollInterval: defaults.pollIntervalMs,
  };
  const message = statusMessageOf(snapshot);
  if (message !== undefined) task.statusMessage = message;
  return task;
}

/**
 * What a person reads about the task now: the error of a task that failed or was
 * cancelled, else its latest update (a string yield, or an object's `message`,
 * then `status`).
 */
export function statusMessageOf(snapshot: Pick<TaskSnapshot, "status" | "error" | "last_update">): string | undefined {
  if ((snapshot.status === "failed" || snapshot.status === "cancelled") && snapshot.error !== undefined) return snapshot.error;
  return messageOfUpdate(snapshot.last_update);
}

/** The text of one yielded value, if it has one. */
export function messageOfUpdate(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return undefined;
  const { message, status } = value as { message?: unknown; status?: unknown };
  if (typeof message === "string") return message;
  if (typeof status === "string") return status;
  return undefined;
}

/**
 * What `tasks/result` answers for a finished task: exactly what a plain call of
 * the tool would have answered (the return value as a tool result, or an
 * `isError` result), tagged with the task it belongs to.
 */
export function resultOf(snapshot: TaskSnapshot): CallToolResult {
  const result = plainResultOf(snapshot);
  return { ...result, _meta: { ...result._meta, [RELATED_TASK_META_KEY]: { taskId: snapshot.task_id } } };
}

/** What a plain call of the tool answers for this finished task (the job handles' `task_result` answers it too). */
export function plainResultOf(snapshot: TaskSnapshot): CallToolResult {
  const end = snapshot.status === "completed" ? "complete" : snapshot.status === "cancelled" ? "cancelled" : "failed";
  return endResult(snapshot.tool_name, end, end === "complete" ? snapshot.result : (snapshot.error ?? "stopped"));
}

/** The status message of a task waiting for an answer to `question` (answered with the send tool, where there is one). */
export function questionText(question: string, sendTool: string | undefined): string {
  return sendTool === undefined ? question : `${question} (answer with ${sendTool})`;
}
