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

