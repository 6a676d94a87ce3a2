import type { TaskEventName } from "../protocol/message.js";
import type { StopSource } from "./taskControl.js";

/** One event of a task, as the engine hands it to the delivery layer. */
export interface TaskEvent {
  event: TaskEventName;
  /** Per task, from 1 (`created`), no gaps. */
  seq: number;
  /** The yielded value (`update`), the return value (`complete`), the error message (`failed`), the reason (`cancelled`). */
  payload: unknown;
}

/** What the engine passes to the function that makes a task's generator. */
export interface TaskRunControls extends StopSource {
  readonly taskId: string;
  /** Aborted when the task is stopped (made on first read: prefer {@link StopSource.aborted} and {@link StopSource.onStop} inside the runtime). */
  readonly signal: AbortSignal;
}

/** What `TaskRegistry.start` needs to know about one task. */
export interface TaskStartSpec {
  /** The owning session or principal. */
  owner: string;
  toolName: string;
  /** A client-chosen id; otherwise the engine mints a UUID v4. */
  taskId?: string;
  /**
   * The session that started the task, where it is not the owner (an
   * authenticated principal shares its tasks across sessions): closing that
   * session stops just the tasks it started (`TaskRegistry.stopStartedBy`).
   */
  startedBy?: string;
  /**
   * Retention counted from the task's creation (ms), replacing the engine's
   * `ttlMs` (counted from the end) for this task: an MCP task's granted `ttl`.
   * The record still stays at least a minute (or `ttlMs`, if shorter) after the
   * task ends, so whoever polls it can read its result.
   */
  ttlMs?: number;
  /** Makes the generator; called once the task leaves the queue. */
  run: (controls: TaskRunControls) => AsyncGenerator<unknown, unknown, undefined>;
  /**
   * Receives every event, in order, synchronously. A promise returned for an
   * `update` holds the generator until it settles: the transport's backpressure
   * reaches the tool instead of piling messages up in memory.
   */
  onEvent: (event: TaskEvent) => void | Promise<void>;
  /**
   * Called when the task's status changes without an event: `input_required`
   * while its tool waits for the client (`elicit`, `sample`), `working` again after.
   */
  onStatus?: (status: "working" | "input_required") => void;
  /** Called while the task is silent (see `TaskEngineOptions.heartbeatMs`), with the last event's seq. */
  onHeartbeat?: (seq: number) => void;
}

/** What the engine counts, for logs and metrics. */
export interface TaskEngineStats {
  /** Tasks not yet terminal (running or queued), across owners. */
  live: number;
  /**
   * Tasks marked `cancelled` after their stop's grace period whose tool is still
   * running (it ignores its signal). They hold no concurrency place; each is
   * logged when it becomes one and when it finally ends.
   */
  zombies: number;
  /** Finished records kept for `check`, across owners. */
  finished: number;
}
