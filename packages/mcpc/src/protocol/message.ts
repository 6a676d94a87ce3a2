/**
 * The MCPC message: the one shape both wire dialects carry (see docs/protocol.md).
 *
 * Kept free of SDK types so the engine and the client can share it, and so a
 * second wire adapter can reuse it unchanged.
 */

/** The value of the `protocol` key of every MCPC message. */
export const MCPC_PROTOCOL = "mcpc" as const;

/** The version of the native dialect this package speaks. */
export const MCPC_NATIVE_VERSION = "1.0" as const;

/** Key under `capabilities.experimental` that negotiates the native dialect. */
export const MCPC_CAPABILITY = "mcpc" as const;

/** Key under `tools/call` `params._meta` that tags a call as an MCPC task. */
export const MCPC_TASK_META = "mcpc/task" as const;

/** JSON-RPC notification method that carries native MCPC messages. */
export const MCPC_NOTIFICATION = "notifications/mcpc" as const;

/** JSON-RPC request methods of the native dialect (check / stop / list / send, and the replay of a task's logged events). */
export const MCPC_METHODS = {
  get: "mcpc/tasks/get",
  stop: "mcpc/tasks/stop",
  list: "mcpc/tasks/list",
  send: "mcpc/tasks/send",
  events: "mcpc/tasks/events",
} as const;

/** Events of a task. `cancelled` is native only; every task ends with exactly one terminal event. */
export type TaskEventName = "created" | "update" | "complete" | "failed" | "cancelled";

/** The events after which a task emits nothing more. */
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(["complete", "failed", "cancelled"]);

/** Statuses a task snapshot can report (the 2025-11-25 spec's task statuses). */
export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** A task event on the wire. */
export interface McpcTaskMessage {
  type: "task";
  event: TaskEventName;
  session_id: string;
  task_id: string;
  tool_name: string;
  result: unknown;
  protocol: typeof MCPC_PROTOCOL;
  /** Native dialect only: the task's events counted from 1 (`created`) with no gaps. */
  seq?: number;
}

/** A server event on the wire: not tied to a task. */
export interface McpcServerEventMessage {
  type: "server_event";
  event: string;
  session_id: string | null;
  task_id: null;
  tool_name: null;
  result: unknown;
  protocol: typeof MCPC_PROTOCOL;
}

/** Any MCPC message. */
export type McpcMessage = McpcTaskMessage | McpcServerEventMessage;

/**
 * The native heartbeat: sent while a task is silent, it carries the `seq` of the
 * task's last event so a client can tell it missed one even when nothing else flows.
 * It is not a task event: it has no `seq` of its own and is never stored.
 */
export interface McpcHeartbeatMessage {
  type: "heartbeat";
  event: "heartbeat";
  session_id: string;
  task_id: string;
  tool_name: string;
  result: null;
  protocol: typeof MCPC_PROTOCOL;
  seq: number;
}

/**
 * A task's question (`task.ask`) to a native client that declared no
 * elicitation: answered with `mcpc/tasks/send` (`{ task_id, message }`), the
 * message validated against `schema`. Like a heartbeat it is a status, not a
 * task event: it carries the `seq` of the task's last event and has none of its
 * own. While it waits the task's status is `input_required`.
 */
export interface McpcInputRequiredMessage {
  type: "input_required";
  event: "input_required";
  session_id: string;
  task_id: string;
  tool_name: string;
  result: { question_id: string; question: string; schema: Record<string, unknown> };
  protocol: typeof MCPC_PROTOCOL;
  seq: number;
}

/** What a client reads from `notifications/mcpc`. */
export type McpcWireMessage = McpcMessage | McpcHeartbeatMessage | McpcInputRequiredMessage;

/**
 * What `mcpc/tasks/get`, `stop` and `list` report about a task.
 * Timestamps are milliseconds since the epoch.
 */
export interface TaskSnapshot {
  task_id: string;
  tool_name: string;
  status: TaskStatus;
  /** The `seq` of the task's last event. */
  seq: number;
  /** The payload of the last `update`, if any. */
  last_update?: unknown;
  /** The return value, once `completed`. */
  result?: unknown;
  /** The error message, once `failed` or `cancelled`. */
  error?: string;
  created_at: number;
  updated_at: number;
  finished_at?: number;
  /**
   * How long the record is kept, counted from `created_at` (ms), when the task
   * was started with a retention of its own (an MCP task's granted `ttl`). Absent:
   * the server's retention, counted from the task's end.
   */
  ttl_ms?: number;
}

/** Builds a task message with all seven keys present (unset ones `null`). */
export function createTaskMessage(
  event: TaskEventName,
  sessionId: string,
  taskId: string,
  toolName: string,
  result: unknown,
  seq?: number,
): McpcTaskMessage {
  const message: McpcTaskMessage = {
    type: "task",
    event,
    session_id: sessionId,
    task_id: taskId,
    tool_name: toolName,
    result: result === undefined ? null : result,
    protocol: MCPC_PROTOCOL,
  };
  if (seq !== undefined) message.seq = seq;
  return message;
}

/** Builds a server event message. */
export function createServerEventMessage(
  event: string,
  result: unknown,
  sessionId: string | null,
): McpcServerEventMessage {
  return {
    type: "server_event",
    event,
    session_id: sessionId,
    task_id: null,
    tool_name: null,
    result: result === undefined ? null : result,
    protocol: MCPC_PROTOCOL,
  };
}

/** True when `value` looks like an MCPC message (used to read `created` answers and legacy callbacks). */
export function isMcpcMessage(value: unknown): value is McpcMessage {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.protocol === MCPC_PROTOCOL && (v.type === "task" || v.type === "server_event") && typeof v.event === "string";
}
