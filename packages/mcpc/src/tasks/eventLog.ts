import { McpcError, errorMessage } from "../errors.js";
import { unknownTask } from "./taskErrors.js";
import type { TaskEvent } from "./taskSpec.js";
import type { MaybePromise, TaskRecord, TaskStore } from "./taskStore.js";

/**
 * The engine's side of a store's event log (`TaskStore.append` / `events`),
 * kept out of the registry: a store without a log costs one property read per
 * event and nothing else.
 */

/** The most events one replay answers. */
export const MAX_REPLAY_EVENTS = 10_000;

/**
 * Hands one event to the store's log, if it keeps one. A store's failure is
 * reported through `onWarning`, never thrown into the tool: the event already
 * went out live, and its record still ends the task once.
 */
export function logEvent(
  store: TaskStore,
  record: TaskRecord,
  event: TaskEvent,
  onWarning: ((message: string) => void) | undefined,
): void | Promise<void> {
  if (store.append === undefined) return undefined;
  const warn = (error: unknown): void =>
    onWarning?.(`logging ${event.event} #${event.seq} of task "${record.task_id}" failed: ${errorMessage(error)}`);
  let pending: MaybePromise<void>;
  try {
    pending = store.append(record, event);
  } catch (error) {
    warn(error);
    return undefined;
  }
  return pending ? pending.catch(warn) : undefined;
}

/** What a yield waits for: both, either or neither of two pending writes (no allocation when neither is a promise). */
export function joinWrites(first: void | Promise<void>, second: MaybePromise<void>): void | Promise<void> {
  if (!second) return first;
  if (!first) return second;
  return Promise.all([first, second]).then(() => undefined);
}

/**
 * The owner's task's logged events after `afterSeq`, oldest first, at most `limit`.
 * @throws McpcError `UNKNOWN_TASK`; `INVALID_ARGUMENT` for a bad `afterSeq` or `limit`;
 *   `INVALID_STATE` when the store keeps no event log
 */
export async function readEvents(store: TaskStore, owner: string, taskId: string, afterSeq: number, limit = MAX_REPLAY_EVENTS): Promise<TaskEvent[]> {
  if (!Number.isInteger(afterSeq) || afterSeq < 0) {
    throw new McpcError("INVALID_ARGUMENT", `Replay starts after a sequence number (an integer ≥ 0, 0 for all events); got ${String(afterSeq)}.`);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_REPLAY_EVENTS) {
    throw new McpcError("INVALID_ARGUMENT", `A replay limit must be an integer from 1 to ${MAX_REPLAY_EVENTS}; got ${String(limit)}.`);
  }
  if (store.events === undefined) {
    throw new McpcError(
      "INVALID_STATE",
      `This server's task store keeps no event log, so the events of task "${taskId}" cannot be replayed: ` +
        "use a store that keeps one (such as @mcpc/redis), or read the task's state with check.",
    );
  }
  const events = await store.events(owner, taskId, afterSeq, limit);
  if (events === undefined) throw unknownTask(taskId);
  return events;
}
