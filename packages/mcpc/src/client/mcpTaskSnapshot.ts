/**
 * An MCP task (2025-11-25) as the client's {@link TaskSnapshot}, so `check`,
 * `stop` and `list` answer in one shape whichever kind of task the server runs.
 */
import type { Task } from "@modelcontextprotocol/sdk/types.js";
import type { TaskSnapshot, TaskStatus } from "../protocol/message.js";

/** True for the statuses after which a task changes no more. */
export function isTerminalStatus(status: TaskStatus): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/** What the client knows of a task's end beyond the server's `Task` (the result it read). */
export interface TaskOutcome {
  result?: unknown;
  error?: string;
}

/**
 * The snapshot of an MCP task. `tool_name` is known only for tasks this client
 * started (else `""`), `seq` is the number of events its handle delivered (else 0),
 * the status message becomes `error` once the task failed or was cancelled and
 * `last_update` before. Timestamps become milliseconds since the epoch.
 */
export function snapshotOfTask(task: Task, toolName: string, seq: number, outcome: TaskOutcome = {}): TaskSnapshot {
  const ended = task.status === "failed" || task.status === "cancelled";
  const updatedAt = millis(task.lastUpdatedAt);
  return {
    task_id: task.taskId,
    tool_name: toolName,
    status: task.status,
    seq,
    created_at: millis(task.createdAt),
    updated_at: updatedAt,
    ...(isTerminalStatus(task.status) && { finished_at: updatedAt }),
    ...(task.ttl !== null && { ttl_ms: task.ttl }),
    ...(task.statusMessage !== undefined && (ended ? { error: task.statusMessage } : { last_update: task.statusMessage })),
    ...(outcome.result !== undefined && { result: outcome.result }),
    ...(outcome.error !== undefined && { error: outcome.error }),
  };
}

/** An ISO 8601 time in milliseconds since the epoch (0 for a time that does not parse). */
export function millis(iso: string): number {
  const value = Date.parse(iso);
  return Number.isNaN(value) ? 0 : value;
}
