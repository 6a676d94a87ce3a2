import { McpcError } from "../errors.js";
import type { TaskRecord } from "./taskStore.js";

/** The engine's errors, each naming the task or tool and saying what to do. */

export function shuttingDown(toolName: string): McpcError {
  return new McpcError("SHUTTING_DOWN", `The server is shutting down; tool "${toolName}" was not started.`);
}

export function duplicateTask(taskId: string): McpcError {
  return new McpcError(
    "DUPLICATE_TASK",
    `Task id "${taskId}" is already used in this session. Choose a new id (a UUID v4), or omit it and let the server mint one.`,
  );
}

export function unknownTask(taskId: string): McpcError {
  return new McpcError(
    "UNKNOWN_TASK",
    `Unknown task "${taskId}": this session has no task with that id (it may have been cleaned up, or belong to another session).`,
  );
}

export function unsendable(record: Pick<TaskRecord, "tool_name" | "task_id">, what: string, why: string): McpcError {
  return new McpcError(
    "UNSERIALIZABLE_VALUE",
    `Tool "${record.tool_name}" (task "${record.task_id}"): its ${what} cannot be sent as JSON: ${why}. ` +
      "Yield and return plain data (objects, arrays, strings, numbers, booleans, null).",
  );
}


/** A client-chosen task id that is not one (empty, too long, not a string); undefined for a good one. */
export function badTaskId(taskId: unknown): McpcError | undefined {
  if (typeof taskId === "string" && taskId.length > 0 && taskId.length <= 256) return undefined;
  return new McpcError("INVALID_ARGUMENT", "A task id must be a non-empty string of at most 256 characters.");
}

/** What the operator is told when a stopped task's tool ignores its stop past the grace period. */
export function zombieWarning(taskId: string, toolName: string, graceMs: number, zombies: number): string {
  return (
    `task "${taskId}" (tool "${toolName}") ignored its stop for ${graceMs} ms: marked cancelled and its place freed, ` +
    `but its code is still running (${zombies} such task(s) now). Make the tool honour task.signal or task.sleep.`
  );
}

export function stillRunning(taskId: string): McpcError {
  return new McpcError("INVALID_STATE", `Task "${taskId}" is still running; stop it before cleaning it up.`);
}
