import { record, type WireMessage } from "./wire.js";

/**
 * Which task a message is about, read off the wire: the watch runner routes
 * requests about a task to the generation that started it, so it learns task
 * ids from the answers that create them (it never asks a generation).
 */

/** MCP tasks (spec 2025-11-25) requests naming one task in `params.taskId`. */
const MCP_TASK_METHODS: ReadonlySet<string> = new Set(["tasks/get", "tasks/result", "tasks/cancel"]);
/** Resource requests: a task's resource (job handles) is `mcpc://tasks/{taskId}`. */
const RESOURCE_METHODS: ReadonlySet<string> = new Set(["resources/read", "resources/subscribe", "resources/unsubscribe"]);
/** The URI prefix of a task's resource. */
export const TASK_URI_PREFIX = "mcpc://tasks/";

/**
 * The task a request is about: `params.task_id` of `mcpc/tasks/*`,
 * `params.taskId` of `tasks/get|result|cancel`, the task of an
 * `mcpc://tasks/{taskId}` resource, and `arguments.taskId` of a `tools/call`
 * (the job-handle tools, `task_status|result|stop`). Only a task some
 * generation is known to own is routed by it; any other id goes to the newest.
 */
export function taskOfRequest(method: string, params: Record<string, unknown> | undefined): string | undefined {
  let id: unknown;
  if (method.startsWith("mcpc/tasks/")) id = params?.task_id;
  else if (MCP_TASK_METHODS.has(method)) id = params?.taskId;
  else if (method === "tools/call") id = record(params?.arguments)?.taskId;
  else if (RESOURCE_METHODS.has(method)) id = taskOfUri(params?.uri);
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

/** The task of an `mcpc://tasks/{taskId}` URI. */
export function taskOfUri(uri: unknown): string | undefined {
  if (typeof uri !== "string" || !uri.startsWith(TASK_URI_PREFIX)) return undefined;
  try {
    return decodeURIComponent(uri.slice(TASK_URI_PREFIX.length));
  } catch {
    return undefined;
  }
}

/** A task a `tools/call` answer started. */
export interface CreatedTask {
  readonly taskId: string;
  /**
   * The host reads the outcome by asking (an MCP task's `tasks/result`, a job
   * handle's `task_result`), rather than having it pushed (MCPC events): the
   * generation should stay until it has.
   */
  readonly pulled: boolean;
}

/**
 * The task a `tools/call` answer created, if it created one: MCP tasks answer
 * `result.task.taskId`; MCPC answers the `created` message, as
 * `structuredContent` (native) or as the JSON of the first text item (native
 * with an output schema, and the legacy dialect); a job handle answers
 * `structuredContent` with the `taskId` and the `handle` tools' names.
 */
export function taskCreatedBy(result: Record<string, unknown> | undefined): CreatedTask | undefined {
  const mcpTaskId = record(result?.task)?.taskId;
  if (typeof mcpTaskId === "string") return { taskId: mcpTaskId, pulled: true };
  const structured = record(result?.structuredContent);
  if (typeof structured?.taskId === "string" && record(structured.handle) !== undefined) return { taskId: structured.taskId, pulled: true };
  const native = createdTaskId(structured);
  if (native !== undefined) return { taskId: native, pulled: false };
  const first = Array.isArray(result?.content) ? record(result.content[0]) : undefined;
  // Parsed only when it can be a created message: a tool's own text answer is left alone.
  if (first?.type !== "text" || typeof first.text !== "string" || !first.text.startsWith("{") || !first.text.includes('"created"')) return undefined;
  try {
    const id = createdTaskId(JSON.parse(first.text));
    return id === undefined ? undefined : { taskId: id, pulled: false };
  } catch {
    return undefined;
  }
}

/** Task statuses after which nothing more happens, and no result is to be read. */
const ENDED_WITHOUT_RESULT: ReadonlySet<unknown> = new Set(["failed", "cancelled"]);

/**
 * The pulled task whose outcome the host has now read, so the generation need
 * not stay for it: `tasks/result` and `tasks/cancel` answered, `tasks/get`
 * answering `failed` or `cancelled` (the SDK client reads no result for those);
 * for a job handle, a call naming the task answered with its final result (no
 * `handle` left in it, no running status) or with `failed` / `cancelled`.
 */
export function taskCollectedBy(method: string, params: Record<string, unknown> | undefined, answer: WireMessage): string | undefined {
  const taskId = taskOfRequest(method, params);
  if (taskId === undefined) return undefined;
  if (method === "tasks/result" || method === "tasks/cancel") return taskId;
  if (method === "tasks/get") return ENDED_WITHOUT_RESULT.has(answer.result?.status) ? taskId : undefined;
  if (method !== "tools/call" || answer.result === undefined) return undefined;
  const structured = record(answer.result.structuredContent);
  if (structured?.handle !== undefined) return undefined;
  const status = structured?.status;
  return status === undefined || ENDED_WITHOUT_RESULT.has(status) ? taskId : undefined;
}

function createdTaskId(value: unknown): string | undefined {
  const message = record(value);
  if (message?.protocol !== "mcpc" || message.type !== "task" || message.event !== "created") return undefined;
  return typeof message.task_id === "string" ? message.task_id : undefined;
}
