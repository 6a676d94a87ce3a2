import { timerMs } from "./engineOptions.js";
import type { LiveTask } from "./liveTask.js";

/**
 * Heartbeats for silent tasks: one interval for all of them (never a timer per
 * event or per task), running only while some task is live. A task silent for
 * `everyMs` hears one within [everyMs, 1.5 × everyMs] of its last event.
 */
export class Heartbeat {
  readonly #everyMs: number;
  readonly #live: () => Iterable<LiveTask>;
  #timer: NodeJS.Timeout | undefined;

  constructor(everyMs: number, live: () => Iterable<LiveTask>) {
    this.#everyMs = everyMs;
    this.#live = live;
  }

  /** Makes sure the interval runs (a task went live). */
  ensure(): void {
    if (this.#timer) return;
    const every = this.#everyMs;
    this.#timer = setInterval(() => {
      const now = Date.now();
      for (const live of this.#live()) {
        if (now - live.lastEventAt >= every && !live.finished) {
          live.lastEventAt = now;
          live.spec.onHeartbeat?.(live.record.seq);
        }
      }
    }, timerMs(Math.max(1, Math.floor(every / 2))));
    this.#timer.unref();
  }

  /** Stops the interval (no task is live, or the engine closes). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
