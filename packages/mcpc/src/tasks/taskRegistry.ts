import { newId } from "../util/ids.js";
import { McpcError, errorMessage } from "../errors.js";
import type { TaskEventName, TaskSnapshot } from "../protocol/message.js";
import { driveGenerator, type DriveOutcome } from "./driveGenerator.js";
import { Admission } from "./admission.js";
import { TaskControl, type StopSource } from "./taskControl.js";
import { MemoryTaskStore } from "./memoryTaskStore.js";
import { deferred, type Deferred } from "../util/deferred.js";
import type { TaskRecord, TaskStore } from "./taskStore.js";

/** Limits and timings of the task engine. Every field has the default of docs/tasks.md. */
export interface TaskEngineOptions {
  /** Where task records live. Default: a new {@link MemoryTaskStore}. */
  store?: TaskStore;
  /** Tasks running at once in one session; more wait in its queue. Default 1,000. */
  maxRunningPerSession?: number;
  /** Tasks waiting in one session's queue before new ones are refused. Default 10,000. */
  maxQueuedPerSession?: number;
  /** Tasks running at once across the whole server. Default: no limit beyond the per-session one. */
  maxRunning?: number;
  /** How long a stopped task may take to run its `finally` blocks before it is marked cancelled. Default 5 s. */
  stopGraceMs?: number;
  /** How long a finished task stays readable through `check`. Default 1 h. */
  ttlMs?: number;
  /** A task silent this long gets a heartbeat (at most 1.5 × this after its last event). Default 15 s. */
  heartbeatMs?: number;
  /** How long shutdown waits for running tasks before it marks them cancelled. Default 10 s. */
  shutdownDeadlineMs?: number;
}

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

/** What {@link TaskRegistry.start} needs to know about one task. */
export interface TaskStartSpec {
  /** The owning session or principal. */
  owner: string;
  toolName: string;
  /** A client-chosen id; otherwise the engine mints a UUID v4. */
  taskId?: string;
  /** Makes the generator; called once the task leaves the queue. */
  run: (controls: TaskRunControls) => AsyncGenerator<unknown, unknown, undefined>;
  /** Receives every event, in order, synchronously. */
  /**
   * Receives every event, in order, synchronously. A promise returned for an
   * `update` holds the generator until it settles: the transport's backpressure
   * reaches the tool instead of piling messages up in memory.
   */
  onEvent: (event: TaskEvent) => void | Promise<void>;
  /** Called while the task is silent (see {@link TaskEngineOptions.heartbeatMs}), with the last event's seq. */
  onHeartbeat?: (seq: number) => void;
}

const DEFAULTS = {
  maxRunningPerSession: 1_000,
  maxQueuedPerSession: 10_000,
  maxRunning: Number.POSITIVE_INFINITY,
  stopGraceMs: 5_000,
  ttlMs: 60 * 60 * 1_000,
  heartbeatMs: 15_000,
  shutdownDeadlineMs: 10_000,
} satisfies Required<Omit<TaskEngineOptions, "store">>;

/** The reason a stopped task's `cancelled` event carries. */
export const STOPPED_REASON = "Task stopped";

/** A task the engine runs: its record, its spec, and its stop switch (the controls its generator is made with). */
class LiveTask extends TaskControl implements TaskRunControls {
  readonly record: TaskRecord;
  readonly spec: TaskStartSpec;
  lastEventAt: number;
  /** Set once the terminal event went out; everything after is ignored. */
  finished = false;
  /** The generator has been made (the task left its queues). */
  started = false;
  /** Settles once the terminal event went out; made only when somebody waits (a stop). */
  done: Deferred<void> | undefined;
  /** Why it was stopped, for the `cancelled` payload. */
  stopReason: string | undefined;

  constructor(record: TaskRecord, spec: TaskStartSpec, now: number) {
    super();
    this.record = record;
    this.spec = spec;
    this.lastEventAt = now;
  }

  get taskId(): string {
    return this.record.task_id;
  }
}

/**
 * The task engine: start, check, stop, cleanup and list, with per-session and
 * per-server concurrency limits, stop with a grace period, TTL for finished
 * tasks and heartbeats for silent ones. It knows nothing of JSON-RPC: the
 * runtime's delivery layer turns its events into wire messages.
 */
export class TaskRegistry {
  readonly store: TaskStore;
  readonly #options: Required<Omit<TaskEngineOptions, "store">>;
  /** Live tasks by owner, then id (nested, not one map under "owner + id": that key is a second string per task). */
  readonly #live = new Map<string, Map<string, LiveTask>>();
  #liveCount = 0;
  /** Per owner: its running tasks and its line. Dropped when idle, made again on demand. */
  readonly #sessionLimits = new Map<string, Admission<LiveTask>>();
  /** Across owners, when `maxRunning` is set: a task holds its session's place while it waits here. */
  readonly #serverLimit: Admission<LiveTask> | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #closing = false;

  constructor(options: TaskEngineOptions = {}) {
    const { store, ...rest } = options;
    this.store = store ?? new MemoryTaskStore();
    this.#options = { ...DEFAULTS, ...definedOnly(rest) };
    validateOptions(this.#options);
    if (Number.isFinite(this.#options.maxRunning)) this.#serverLimit = new Admission(this.#options.maxRunning);
    const sweepEvery = Math.min(this.#options.ttlMs, 60_000);
    this.#sweepTimer = setInterval(() => void this.#sweep(), sweepEvery);
    this.#sweepTimer.unref();
  }

  /** Tasks not yet terminal, across all sessions. */
  get liveCount(): number {
    return this.#liveCount;
  }

  /** The configured shutdown deadline (ms), validated. */
  get shutdownDeadlineMs(): number {
    return this.#options.shutdownDeadlineMs;
  }

  /** True once {@link shutdown} began: new tasks are refused. */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Registers a task, emits `created` (seq 1) before any of its work runs, and
   * queues it. Resolves with the snapshot once `created` went out.
   * @throws McpcError `DUPLICATE_TASK`, `TASK_LIMIT`, `SHUTTING_DOWN`, `INVALID_ARGUMENT`
   */
  async start(spec: TaskStartSpec): Promise<TaskSnapshot> {
    if (this.#closing) {
      throw new McpcError("SHUTTING_DOWN", `The server is shutting down; tool "${spec.toolName}" was not started.`);
    }
    const taskId = spec.taskId ?? newId();
    if (typeof taskId !== "string" || taskId.length === 0 || taskId.length > 256) {
      throw new McpcError("INVALID_ARGUMENT", "A task id must be a non-empty string of at most 256 characters.");
    }
    const waiting = this.#sessionLimits.get(spec.owner);
    if (waiting && waiting.waiting >= this.#options.maxQueuedPerSession) throw queueFull(waiting, this.#options.maxQueuedPerSession);
    const now = Date.now();
    const record: TaskRecord = {
      owner: spec.owner,
      task_id: taskId,
      tool_name: spec.toolName,
      status: "working",
      seq: 0,
      created_at: now,
      updated_at: now,
    };
    const created = await this.store.create(record);
    if (!created) {
      throw new McpcError(
        "DUPLICATE_TASK",
        `Task id "${taskId}" is already used in this session. Choose a new id (a UUID v4), or omit it and let the server mint one.`,
      );
    }
    // The checks above ran before an await: a shutdown, or other starts of this
    // session, may have come in meanwhile (and an idle queue may have been
    // dropped). From here to admission nothing awaits.
    const queue = this.#sessionLimit(spec.owner);
    if (this.#closing || queue.waiting >= this.#options.maxQueuedPerSession) {
      await this.store.delete(spec.owner, taskId);
      if (this.#closing) {
        throw new McpcError("SHUTTING_DOWN", `The server is shutting down; tool "${spec.toolName}" was not started.`);
      }
      throw queueFull(queue, this.#options.maxQueuedPerSession);
    }
    const live = new LiveTask(record, spec, now);
    let owned = this.#live.get(spec.owner);
    if (!owned) this.#live.set(spec.owner, (owned = new Map()));
    owned.set(taskId, live);
    this.#liveCount++;
    this.#ensureHeartbeat();
    void this.#emit(live, "created", null);

    // A task stopped while it waits is finished by stop() and returns at once when its turn comes.
    if (queue.enter(live)) this.#admitted(live);
    return snapshot(record);
  }

  /**
   * The task's current snapshot.
   * @throws McpcError `UNKNOWN_TASK` when the owner has no such task (another session's task is unknown too).
   */
  async get(owner: string, taskId: string): Promise<TaskSnapshot> {
    const record = await this.store.get(owner, taskId);
    if (!record) throw unknownTask(taskId);
    return snapshot(record);
  }

  /**
   * Marks a running task as waiting for the client (`input_required`: its tool
   * asked the user or the client's model and awaits the answer), or as working
   * again. Changes the status only, not `seq` (that counts events); a task that
   * ended or is unknown is left alone.
   */
  setWaitingForInput(owner: string, taskId: string, waiting: boolean): void {
    const live = this.#live.get(owner)?.get(taskId);
    if (!live || live.finished) return;
    const record = live.record;
    const status = waiting ? "input_required" : "working";
    if (record.status === status) return;
    record.status = status;
    record.updated_at = Date.now();
    void Promise.resolve(this.store.save(record)).catch(() => undefined);
  }

  /** The owner's tasks, oldest first. */
  async list(owner: string): Promise<TaskSnapshot[]> {
    const records = await this.store.list(owner);
    return records.map(snapshot);
  }

  /**
   * Stops a task: aborts its signal, waits up to the grace period for its
   * `finally` blocks, then it ends `cancelled`. Resolves once it has ended.
   * Stopping a finished task changes nothing and answers `stopped: false`.
   * @throws McpcError `UNKNOWN_TASK`
   */
  async stop(owner: string, taskId: string, reason = STOPPED_REASON): Promise<{ task: TaskSnapshot; stopped: boolean }> {
    const live = this.#live.get(owner)?.get(taskId);
    if (!live) return { task: await this.get(owner, taskId), stopped: false };
    await this.#stopLive(live, reason, this.#options.stopGraceMs);
    return { task: snapshot(live.record), stopped: true };
  }

  /**
   * Removes a finished task's record.
   * @throws McpcError `UNKNOWN_TASK`, or `INVALID_STATE` when the task is still running.
   */
  async cleanup(owner: string, taskId: string): Promise<void> {
    if (this.#live.get(owner)?.has(taskId)) {
      throw new McpcError("INVALID_STATE", `Task "${taskId}" is still running; stop it before cleaning it up.`);
    }
    if (!(await this.store.delete(owner, taskId))) throw unknownTask(taskId);
  }

  /** Stops every live task of one owner (a closed session), each ending `cancelled`. */
  async stopOwner(owner: string, reason: string): Promise<void> {
    const mine = [...(this.#live.get(owner)?.values() ?? [])];
    await Promise.all(mine.map((live) => this.#stopLive(live, reason, this.#options.stopGraceMs)));
  }

  /**
   * Refuses new tasks, stops every live one and waits for their terminal events,
   * at most `deadlineMs` (default: the configured shutdown deadline).
   */
  async shutdown(reason = "Server shutting down", deadlineMs = this.#options.shutdownDeadlineMs): Promise<void> {
    this.#closing = true;
    const grace = Math.min(this.#options.stopGraceMs, deadlineMs);
    await Promise.all([...this.#allLive()].map((live) => this.#stopLive(live, reason, grace)));
    this.close();
  }

  /** Clears the engine's timers. Live tasks are not touched: call {@link shutdown} for that. */
  close(): void {
    clearInterval(this.#sweepTimer);
    clearInterval(this.#heartbeatTimer);
    this.#sweepTimer = undefined;
    this.#heartbeatTimer = undefined;
  }

  async #stopLive(live: LiveTask, reason: string, graceMs: number): Promise<void> {
    if (live.finished) return;
    live.stopReason ??= reason;
    live.abort(new McpcError("TASK_STOPPED", `${reason}: task "${live.record.task_id}".`));
    if (!live.started) {
      this.#finish(live, { kind: "stopped" });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, timerMs(graceMs))));
    live.done ??= deferred<void>();
    await Promise.race([live.done.promise, graceOver]);
    clearTimeout(timer);
    // A tool that ignores its signal past the grace period still ends, once, as cancelled.
    this.#finish(live, { kind: "stopped" });
  }

  /** The task has its session's place; it runs now, or once the server has a place too. */
  #admitted(live: LiveTask): void {
    if (this.#serverLimit?.enter(live) === false) return;
    this.#run(live);
  }

  /**
   * The task's generator ended (not when a stopped task was marked cancelled
   * after the grace period: a tool that ignores its signal keeps its place
   * until it really ends). Its places go to the next in line.
   */
  #release(live: LiveTask): void {
    const server = this.#serverLimit;
    if (server) {
      const next = server.leave();
      if (next) this.#run(next);
    }
    const owner = live.record.owner;
    const session = this.#sessionLimits.get(owner);
    if (!session) return;
    const next = session.leave();
    if (next) this.#admitted(next);
    else if (session.idle) this.#sessionLimits.delete(owner);
  }

  /** Makes the task's generator and drives it; {@link #driven} hears how it ended (no frame of ours waits meanwhile). */
  #run(live: LiveTask): void {
    if (live.finished) {
      // Stopped while it waited. Released on a later tick, not from here: a line of
      // thousands of stopped tasks would otherwise hand places on recursively.
      queueMicrotask(() => this.#release(live));
      return;
    }
    live.started = true;
    let generator: AsyncGenerator<unknown, unknown, undefined>;
    try {
      generator = live.spec.run(live);
    } catch (error) {
      this.#driven(live, { kind: "threw", error });
      return;
    }
    void driveGenerator(generator, live, this.#onYield, live, this.#driven);
  }

  /** The generator ended: the task's terminal event, then its places go to the next in line. */
  readonly #driven = (live: LiveTask, outcome: DriveOutcome): void => {
    try {
      this.#finish(live, live.aborted ? { kind: "stopped" } : outcome);
    } finally {
      this.#release(live);
    }
  };

  /** One handler for every task's yields (the task comes as an argument): no closure per task. */
  readonly #onYield = (live: LiveTask, value: unknown): void | Promise<void> => {
    if (live.finished) return;
    live.record.last_update = value;
    const delivered = this.#emit(live, "update", value);
    const saved = this.store.save(live.record);
    if (!saved) return delivered;
    return delivered ? Promise.all([delivered, saved]).then(() => undefined) : saved;
  };

  #finish(live: LiveTask, outcome: DriveOutcome): void {
    if (live.finished) return;
    const record = live.record;
    const now = Date.now();
    record.finished_at = now;
    record.expires_at = now + this.#options.ttlMs;
    switch (outcome.kind) {
      case "returned":
        record.status = "completed";
        record.result = outcome.value === undefined ? null : outcome.value;
        void this.#emit(live, "complete", record.result, now);
        break;
      case "threw":
        record.status = "failed";
        record.error = errorMessage(outcome.error);
        void this.#emit(live, "failed", record.error, now);
        break;
      case "stopped":
        record.status = "cancelled";
        record.error = live.stopReason ?? STOPPED_REASON;
        void this.#emit(live, "cancelled", record.error, now);
        break;
    }
    live.finished = true;
    const owned = this.#live.get(record.owner);
    if (owned?.delete(record.task_id)) {
      this.#liveCount--;
      if (owned.size === 0) this.#live.delete(record.owner);
    }
    if (this.#liveCount === 0) {
      clearInterval(this.#heartbeatTimer);
      this.#heartbeatTimer = undefined;
    }
    void Promise.resolve(this.store.save(record)).catch(() => undefined);
    live.done?.resolve();
  }

  /** `now`: the terminal event shares its clock reading with `finished_at`, so `updated_at === finished_at`. */
  #emit(live: LiveTask, event: TaskEventName, payload: unknown, now = Date.now()): void | Promise<void> {
    const record = live.record;
    record.seq += 1;
    record.updated_at = now;
    live.lastEventAt = now;
    return live.spec.onEvent({ event, seq: record.seq, payload });
  }

  #sessionLimit(owner: string): Admission<LiveTask> {
    let limit = this.#sessionLimits.get(owner);
    if (!limit) {
      limit = new Admission(this.#options.maxRunningPerSession);
      this.#sessionLimits.set(owner, limit);
    }
    return limit;
  }

  *#allLive(): IterableIterator<LiveTask> {
    for (const owned of this.#live.values()) yield* owned.values();
  }

  #ensureHeartbeat(): void {
    if (this.#heartbeatTimer) return;
    const every = this.#options.heartbeatMs;
    // One sweep for all tasks (never a timer per event): a silent task hears one within [every, 1.5 × every].
    this.#heartbeatTimer = setInterval(() => {
      const now = Date.now();
      for (const live of this.#allLive()) {
        if (now - live.lastEventAt >= every && !live.finished) {
          live.lastEventAt = now;
          live.spec.onHeartbeat?.(live.record.seq);
        }
      }
    }, timerMs(Math.max(1, Math.floor(every / 2))));
    this.#heartbeatTimer.unref();
  }

  async #sweep(): Promise<void> {
    try {
      await this.store.sweep(Date.now());
    } catch {
      // A store that cannot sweep now will be asked again on the next tick.
    }
  }
}


function queueFull(queue: Admission<LiveTask>, limit: number): McpcError {
  return new McpcError(
    "TASK_LIMIT",
    `Too many tasks in this session: ${queue.running} running and ${queue.waiting} queued ` +
      `(limit ${limit} queued). Wait for some to finish, or stop them.`,
  );
}

/** Node runs a timer of more than 2^31 − 1 ms (an `Infinity` option, say) after 1 ms: clamp instead. */
const MAX_TIMER_MS = 2_147_483_647;

function timerMs(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}

function unknownTask(taskId: string): McpcError {
  return new McpcError(
    "UNKNOWN_TASK",
    `Unknown task "${taskId}": this session has no task with that id (it may have been cleaned up, or belong to another session).`,
  );
}

/** The wire snapshot of a record: a shallow copy without the store's own fields. */
export function snapshot(record: TaskRecord): TaskSnapshot {
  const { owner: _owner, expires_at: _expires, ...wire } = record;
  return wire;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validateOptions(options: Required<Omit<TaskEngineOptions, "store">>): void {
  for (const [name, value] of Object.entries(options)) {
    if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
      throw new McpcError("INVALID_ARGUMENT", `Task option "${name}" must be a positive number of ${name.endsWith("Ms") ? "milliseconds" : "tasks"}; got ${String(value)}.`);
    }
  }
}
