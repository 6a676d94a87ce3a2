import { McpcError } from "../errors.js";
import type { TaskStore } from "./taskStore.js";

/** Limits and timings of the task engine. Every field has the default of docs/limits.md. */
export interface TaskEngineOptions {
  /** Where task records live. Default: a new `MemoryTaskStore`. */
  store?: TaskStore;
  /** Tasks running at once in one session; more wait in its queue. Default 1,000. */
  maxRunningPerSession?: number;
  /** Tasks waiting in one session's queue before new ones are refused. Default 10,000. */
  maxQueuedPerSession?: number;
  /** Tasks running at once across the whole server. Default: no limit beyond the per-session one. */
  maxRunning?: number;
  /**
   * How long a stopped task may take to run its `finally` blocks before it is marked cancelled.
   * A tool still running then is a zombie: it gives up its concurrency places and is counted
   * (`TaskRegistry.stats().zombies`) until it really ends. Default 5 s.
   */
  stopGraceMs?: number;
  /** How long a finished task stays readable through `check`. Default 1 h. */
  ttlMs?: number;
  /** Finished tasks kept per owner; beyond it the oldest finished record is removed. Default 1,000. */
  maxFinishedPerOwner?: number;
  /**
   * Size of the finished records kept per owner, in characters of JSON (results, last updates,
   * errors); beyond it the oldest finished records are removed. Default 16 MiB.
   */
  maxFinishedBytesPerOwner?: number;
  /** A task silent this long gets a heartbeat (at most 1.5 × this after its last event). Default 15 s. */
  heartbeatMs?: number;
  /** How long shutdown waits for running tasks before it marks them cancelled. Default 10 s. */
  shutdownDeadlineMs?: number;
}

/** The options with every default applied. */
export type ResolvedEngineOptions = Required<Omit<TaskEngineOptions, "store">>;

const DEFAULTS: ResolvedEngineOptions = {
  maxRunningPerSession: 1_000,
  maxQueuedPerSession: 10_000,
  maxRunning: Number.POSITIVE_INFINITY,
  stopGraceMs: 5_000,
  ttlMs: 60 * 60 * 1_000,
  maxFinishedPerOwner: 1_000,
  maxFinishedBytesPerOwner: 16 * 1024 * 1024,
  heartbeatMs: 15_000,
  shutdownDeadlineMs: 10_000,
};

/**
 * Applies the defaults and checks every value.
 * @throws McpcError `INVALID_ARGUMENT` naming the option
 */
export function resolveEngineOptions(options: Omit<TaskEngineOptions, "store">): ResolvedEngineOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved = { ...DEFAULTS, ...defined } as ResolvedEngineOptions;
  for (const [name, value] of Object.entries(resolved)) {
    if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
      const unit = name.endsWith("Ms") ? "milliseconds" : name.endsWith("Bytes") || name.includes("Bytes") ? "characters" : "tasks";
      throw new McpcError("INVALID_ARGUMENT", `Task option "${name}" must be a positive number of ${unit}; got ${String(value)}.`);
    }
  }
  return resolved;
}

/** Node runs a timer of more than 2^31 − 1 ms (an `Infinity` option, say) after 1 ms: clamp instead. */
const MAX_TIMER_MS = 2_147_483_647;

/** `ms` as a delay Node's timers take as meant. */
export function timerMs(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}
