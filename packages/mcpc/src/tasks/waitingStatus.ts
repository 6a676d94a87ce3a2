import { errorMessage } from "../errors.js";
import type { LiveTask } from "./liveTask.js";
import type { TaskStore } from "./taskStore.js";

/**
 * Marks a running task as waiting for the client (`input_required`) or as
 * working again: the status only, not `seq` (that counts events), saved to the
 * store and told to the task's delivery layer (`onStatus`). No-op when the
 * status is already that one.
 */
export function markWaiting(live: LiveTask, waiting: boolean, store: TaskStore, onWarning: ((message: string) => void) | undefined): void {
  const record = live.record;
  const status = waiting ? "input_required" : "working";
  if (record.status === status) return;
  record.status = status;
  record.updated_at = Date.now();
  void Promise.resolve(store.save(record)).catch(() => undefined);
  try {
    live.spec.onStatus?.(status);
  } catch (error) {
    onWarning?.(`reporting status ${status} of task "${live.taskId}" failed: ${errorMessage(error)}`);
  }
}
