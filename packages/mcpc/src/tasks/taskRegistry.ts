import { newId } from "../util/ids.js";
import { McpcError, errorMessage } from "../errors.js";
import type { TaskEventName, TaskSnapshot } from "../protocol/message.js";
import { driveGenerator, type DriveOutcome } from "./driveGenerator.js";
import { Scheduler } from "./scheduler.js";
import { Heartbeat } from "./heartbeat.js";
import { MemoryTaskStore } from "./memoryTaskStore.js";
import { deferred, settledWithin, untilAborted } from "../util/deferred.js";
import { newRecord, snapshot, type TaskRecord, type TaskStore } from "./taskStore.js";
import { resolveEngineOptions, timerMs, type ResolvedEngineOptions, type TaskEngineOptions } from "./engineOptions.js";
import { LiveTask } from "./liveTask.js";
import { badTaskId, duplicateTask, shuttingDown, stillRunning, unknownTask, unsendable, zombieWarning } from "./taskErrors.js";
import { FinishedRecords } from "./finishedRecords.js";
import { checkJson } from "./jsonPayload.js";
import { STOPPED_REASON, endRecord, expired } from "./retention.js";
import { pageOf, type TaskPage, type TaskPageRequest } from "./taskPage.js";
import type { TaskEngineStats, TaskEvent, TaskStartSpec } from "./taskSpec.js";
import { joinWrites, logEvent, readEvents } from "./eventLog.js";
import { markWaiting } from "./waitingStatus.js";
import { answerRemote, stopElsewhere, whenEndedElsewhere, type RemoteActions } from "./remoteTasks.js";

export type { TaskEngineOptions } from "./engineOptions.js";
export type { TaskEvent, TaskRunControls, TaskStartSpec, TaskEngineStats } from "./taskSpec.js";
export type { TaskPage, TaskPageRequest } from "./taskPage.js";
export { STOPPED_REASON } from "./retention.js";

/**
 * The task engine: start, check, stop, cleanup and list, with per-session and
 * per-server concurrency limits, stop with a grace period, TTL and caps for
 * finished tasks and heartbeats for silent ones. It knows nothing of JSON-RPC:
 * the runtime's delivery layer turns its events into wire messages.
 *
 * Whatever a tool yields, returns or throws, each task ends with exactly one
 * terminal event whose payload JSON can carry: values that cannot be sent are
 * caught here (`checkJson` in jsonPayload.ts) and end the task `failed`, saying why.
 */
export class TaskRegistry {
  readonly store: TaskStore;
  readonly #options: ResolvedEngineOptions;
  /** Live tasks by owner, then id (nested, not one map under "owner + id": that key is a second string per task). */
  readonly #live = new Map<string, Map<string, LiveTask>>();
  #liveCount = 0;
  #zombies = 0;
  readonly #scheduler: Scheduler<LiveTask>;
  readonly #heartbeat: Heartbeat;
  readonly #finishedRecords: FinishedRecords;
  /** Owners nobody can read any more (a closed session) that still have live tasks: their records go as they finish. */
  readonly #gone = new Set<string>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #closing = false;
  /** Where the engine reports what an operator should know (zombie tasks). Default: nowhere; the runtime sets its logger. */
  onWarning: ((message: string) => void) | undefined;
  /** What requests from other replicas (through `store.control`) do here; whoever keeps the tasks' inboxes sets `sendHere`. */
  readonly remote: RemoteActions = { stopHere: (owner, taskId, reason) => this.#stopHere(owner, taskId, reason), sendHere: undefined };

  constructor(options: TaskEngineOptions = {}) {
    const { store, ...rest } = options;
    this.store = store ?? new MemoryTaskStore();
    this.#options = resolveEngineOptions(rest);
    this.#scheduler = new Scheduler(this.#options, (live) => this.#run(live));
    this.#heartbeat = new Heartbeat(this.#options.heartbeatMs, () => this.#allLive());
    this.#finishedRecords = new FinishedRecords(this.#options.maxFinishedPerOwner, this.#options.maxFinishedBytesPerOwner, (owner, taskId) =>
      void Promise.resolve(this.store.delete(owner, taskId)).catch(() => undefined),
    );
    this.#sweepTimer = setInterval(() => void this.#sweep(), Math.min(this.#options.ttlMs, 60_000)).unref();
    this.store.control?.listen((owner, taskId, request) => answerRemote(this.remote, owner, taskId, request));
  }

  /** Tasks not yet terminal, across all sessions. */
  get liveCount(): number {
    return this.#liveCount;
  }

  /** Tasks of `owner` not yet terminal (running or queued), of those `startedBy` one session when given. */
  liveCountOf(owner: string, startedBy?: string): number {
    const owned = this.#live.get(owner);
    if (!owned || startedBy === undefined) return owned?.size ?? 0;
    let count = 0;
    for (const live of owned.values()) if (live.spec.startedBy === startedBy) count++;
    return count;
  }

  /** What the engine holds now: live tasks, zombies, finished records. */
  stats(): TaskEngineStats {
    return { live: this.#liveCount, zombies: this.#zombies, finished: this.#finishedRecords.size };
  }

  /** How long a finished task stays readable (ms, from its end), validated. */
  get ttlMs(): number {
    return this.#options.ttlMs;
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
   *
   * With a store that answers at once (the memory store) the task is admitted,
   * and with a free place started, before this returns. An await there queued
   * each start behind every other call of a burst, so a thousand tasks began
   * in the same millisecond and their updates came due together.
   * @throws McpcError `DUPLICATE_TASK`, `TASK_LIMIT`, `SHUTTING_DOWN`, `INVALID_ARGUMENT`
   */
  start(spec: TaskStartSpec): Promise<TaskSnapshot> {
    try {
      if (this.#closing) throw shuttingDown(spec.toolName);
      const taskId = spec.taskId ?? newId();
      const bad = badTaskId(taskId);
      if (bad) throw bad;
      this.#scheduler.checkRoom(spec.owner);
      const now = Date.now();
      const record = newRecord(spec, taskId, now);
      const created = this.store.create(record);
      if (created instanceof Promise) return created.then((ok) => this.#afterCreate(spec, record, ok, now));
      if (!created) throw duplicateTask(taskId);
      return Promise.resolve(this.#admit(spec, record, now));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** A store that answered later: what changed meanwhile is checked again before admission. */
  async #afterCreate(spec: TaskStartSpec, record: TaskRecord, created: boolean, now: number): Promise<TaskSnapshot> {
    if (!created) throw duplicateTask(record.task_id);
    // A shutdown, or other starts of this session, may have come in meanwhile. From here to admission nothing awaits.
    try {
      if (this.#closing) throw shuttingDown(spec.toolName);
      this.#scheduler.checkRoom(spec.owner);
    } catch (error) {
      await this.store.delete(spec.owner, record.task_id);
      throw error;
    }
    return this.#admit(spec, record, now);
  }

  /** The task is live: `created` goes out and it takes its places (it may run at once). */
  #admit(spec: TaskStartSpec, record: TaskRecord, now: number): TaskSnapshot {
    const live = new LiveTask(record, spec, now);
    let owned = this.#live.get(spec.owner);
    if (!owned) this.#live.set(spec.owner, (owned = new Map()));
    owned.set(record.task_id, live);
    this.#liveCount++;
    this.#heartbeat.ensure();
    void this.#emit(live, "created", null);
    // A task stopped while it waits is finished by stop() and returns at once when its turn comes.
    this.#scheduler.enter(live);
    return snapshot(record);
  }

  /** The task's current snapshot. @throws McpcError `UNKNOWN_TASK` when the owner has no such task (another owner's is unknown too). */
  async get(owner: string, taskId: string): Promise<TaskSnapshot> {
    const record = await this.store.get(owner, taskId);
    // Past its expiry it is gone, whether or not the sweep has come by yet.
    if (!record || expired(record, Date.now())) throw unknownTask(taskId);
    return snapshot(record);
  }

  /**
   * Marks a running task as waiting for the client (`input_required`: its tool awaits an
   * answer to `elicit` or `sample`), or as working again. Changes the status, not `seq`;
   * a task that ended or is unknown is left alone.
   */
  setWaitingForInput(owner: string, taskId: string, waiting: boolean): void {
    const live = this.#live.get(owner)?.get(taskId);
    if (live && !live.finished) markWaiting(live, waiting, this.store, this.onWarning);
  }

  /** True while the owner's task is live (queued or running) in this process, not on another replica. */
  runsHere(owner: string, taskId: string): boolean {
    return this.#live.get(owner)?.has(taskId) ?? false;
  }

  /**
   * Resolves once the owner's task has ended (at once when it has, or is
   * unknown), wherever it runs; rejects with `signal`'s reason when the signal aborts first.
   */
  whenEnded(owner: string, taskId: string, signal?: AbortSignal): Promise<void> {
    const live = this.#live.get(owner)?.get(taskId);
    if (!live) return whenEndedElsewhere(this.store, owner, taskId, signal);
    if (live.finished) return Promise.resolve();
    const done = (live.done ??= deferred<void>()).promise;
    return signal ? untilAborted(done, signal) : done;
  }

  /** The owner's tasks, oldest first (all of them: see {@link listPage} for a bounded answer). */
  async list(owner: string): Promise<TaskSnapshot[]> {
    return (await this.store.list(owner)).map(snapshot);
  }

  /**
   * One page of the owner's tasks, oldest first, and the cursor of the next page
   * when there is one.
   * @throws McpcError `INVALID_ARGUMENT` for a cursor this engine did not make, or a limit that is not a positive integer
   */
  async listPage(owner: string, request: TaskPageRequest = {}): Promise<TaskPage> {
    return pageOf((await this.store.list(owner)).filter((record) => !expired(record, Date.now())), request);
  }

  /**
   * The task's logged events after `afterSeq` (0: all), oldest first, at most `limit`: what a client missed.
   * @throws McpcError `UNKNOWN_TASK`, `INVALID_ARGUMENT`, `INVALID_STATE` (the store keeps no event log)
   */
  events(owner: string, taskId: string, afterSeq = 0, limit?: number): Promise<TaskEvent[]> {
    return readEvents(this.store, owner, taskId, afterSeq, limit);
  }

  /**
   * Stops a task: aborts its signal, waits up to the grace period for its
   * `finally` blocks, then it ends `cancelled`. Resolves once it has ended.
   * Stopping a finished task changes nothing and answers `stopped: false`.
   * @throws McpcError `UNKNOWN_TASK`; `REPLICA_UNREACHABLE` when another replica runs it and did not answer
   */
  stop(owner: string, taskId: string, reason = STOPPED_REASON): Promise<{ task: TaskSnapshot; stopped: boolean }> {
    // Not live here: on a store shared by replicas, the replica that runs it stops it.
    if (!this.runsHere(owner, taskId)) return stopElsewhere(this.store, owner, taskId, reason, this.#options.stopGraceMs, () => this.get(owner, taskId));
    return this.#stopHere(owner, taskId, reason);
  }

  /** Stops the task if it is live in this process; never forwarded (what another replica's forwarded stop runs). */
  async #stopHere(owner: string, taskId: string, reason: string): Promise<{ task: TaskSnapshot; stopped: boolean }> {
    const live = this.#live.get(owner)?.get(taskId);
    if (!live) return { task: await this.get(owner, taskId), stopped: false };
    await this.#stopLive(live, reason, this.#options.stopGraceMs);
    return { task: snapshot(live.record), stopped: true };
  }

  /** Removes a finished task's record. @throws McpcError `UNKNOWN_TASK`, or `INVALID_STATE` when the task is still running. */
  async cleanup(owner: string, taskId: string): Promise<void> {
    if (this.#live.get(owner)?.has(taskId)) throw stillRunning(taskId);
    this.#finishedRecords.remove(owner, taskId);
    if (!(await this.store.delete(owner, taskId))) throw unknownTask(taskId);
  }

  /**
   * Stops every live task of one owner (a closed session), each ending `cancelled`;
   * with `startedBy`, only those that session started (the owner is a principal).
   */
  async stopOwner(owner: string, reason: string, startedBy?: string): Promise<void> {
    const mine = [...(this.#live.get(owner)?.values() ?? [])].filter((live) => startedBy === undefined || live.spec.startedBy === startedBy);
    await Promise.all(mine.map((live) => this.#stopLive(live, reason, this.#options.stopGraceMs)));
  }

  /**
   * Nobody can read `owner`'s tasks any more (its session closed and it owned
   * them itself): its finished records are removed now, and those of its tasks
   * still running as soon as they end.
   */
  forgetOwner(owner: string): void {
    this.#finishedRecords.dropOwner(owner);
    if (this.#live.has(owner)) this.#gone.add(owner);
  }

  /** Refuses new tasks, stops every live one and waits for their terminal events, at most `deadlineMs` (default: the shutdown deadline). */
  async shutdown(reason = "Server shutting down", deadlineMs = this.#options.shutdownDeadlineMs): Promise<void> {
    this.#closing = true;
    const grace = Math.min(this.#options.stopGraceMs, deadlineMs);
    await Promise.all([...this.#allLive()].map((live) => this.#stopLive(live, reason, grace)));
    // Terminal states a remote store still holds in memory must reach it before the process exits.
    await this.store.flush?.().catch((error: unknown) => this.onWarning?.(`flushing the task store failed: ${errorMessage(error)}`));
    this.close();
  }

  /** Clears the engine's timers. Live tasks are not touched: call {@link shutdown} for that. */
  close(): void {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#heartbeat.stop();
  }

  async #stopLive(live: LiveTask, reason: string, graceMs: number): Promise<void> {
    if (live.finished) return;
    live.stopReason ??= reason;
    live.abort(new McpcError("TASK_STOPPED", `${reason}: task "${live.record.task_id}".`));
    if (!live.started) {
      this.#finish(live, { kind: "stopped" });
      return;
    }
    await settledWithin((live.done ??= deferred<void>()).promise, timerMs(graceMs));
    if (live.finished) return;
    // The tool ignores its signal. It still ends, once, as cancelled; its places go to
    // the next in line (a zombie must not starve its session), and it is counted until it really ends.
    live.zombie = true;
    this.#zombies++;
    this.onWarning?.(zombieWarning(live.taskId, live.record.tool_name, graceMs, this.#zombies));
    this.#finish(live, { kind: "stopped" });
    this.#release(live);
  }

  /** The task's places go to the next in line: when its generator ended, or at the grace deadline of a stop it ignores. Once per task. */
  #release(live: LiveTask): void {
    if (live.released) return;
    live.released = true;
    this.#scheduler.release(live);
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
    if (live.zombie) {
      this.#zombies--;
      this.onWarning?.(`task "${live.taskId}" (tool "${live.record.tool_name}"), cancelled earlier, has now really ended.`);
    }
    try {
      this.#finish(live, live.aborted ? { kind: "stopped" } : outcome);
    } finally {
      this.#release(live);
    }
  };

  /** One handler for every task's yields (the task comes as an argument): no closure per task. */
  readonly #onYield = (live: LiveTask, value: unknown): void | Promise<void> => {
    if (live.finished) return;
    const size = checkJson(value);
    // Thrown into driveGenerator: the generator is finished (its finally blocks run) and the task fails with this.
    if (typeof size === "string") throw unsendable(live.record, `update #${live.record.seq}`, size);
    live.lastUpdateBytes = size;
    live.record.last_update = value;
    return joinWrites(this.#emit(live, "update", value), this.store.save(live.record));
  };

  #finish(live: LiveTask, outcome: DriveOutcome): void {
    if (live.finished) return;
    const record = live.record;
    const now = Date.now();
    const end = endRecord(record, outcome, live, now, this.#options.ttlMs);
    void this.#emit(live, end.event, end.payload, now);
    live.finished = true;
    const owner = record.owner;
    const owned = this.#live.get(owner);
    if (owned?.delete(record.task_id)) {
      this.#liveCount--;
      if (owned.size === 0) this.#live.delete(owner);
    }
    if (this.#liveCount === 0) this.#heartbeat.stop();
    if (this.#gone.has(owner)) {
      // Nobody can read it: the terminal event went to whoever still listens, the record goes.
      if (!this.#live.has(owner)) this.#gone.delete(owner);
      void Promise.resolve(this.store.delete(owner, record.task_id)).catch(() => undefined);
    } else {
      void Promise.resolve(this.store.save(record)).catch(() => undefined);
      this.#finishedRecords.add(owner, record.task_id, end.bytes, end.expiresAt);
    }
    live.done?.resolve();
  }

  /** `now`: the terminal event shares its clock reading with `finished_at`, so `updated_at === finished_at`. */
  #emit(live: LiveTask, event: TaskEventName, payload: unknown, now = Date.now()): void | Promise<void> {
    const record = live.record;
    record.seq += 1;
    record.updated_at = now;
    live.lastEventAt = now;
    const taskEvent: TaskEvent = { event, seq: record.seq, payload };
    // Handed to the log before it goes out live: a client that saw it live and then replays finds it there.
    const logged = logEvent(this.store, record, taskEvent, this.onWarning);
    try {
      return joinWrites(live.spec.onEvent(taskEvent), logged);
    } catch (error) {
      // A delivery layer that throws must not take the engine's bookkeeping (the terminal state, the places) with it.
      this.onWarning?.(`delivering ${event} #${record.seq} of task "${record.task_id}" failed: ${errorMessage(error)}`);
      return logged;
    }
  }

  *#allLive(): IterableIterator<LiveTask> {
    for (const owned of this.#live.values()) yield* owned.values();
  }

  async #sweep(now = Date.now()): Promise<void> {
    this.#finishedRecords.expire(now);
    // A store that cannot sweep now (it throws or rejects) will be asked again on the next tick.
    await Promise.resolve(now).then((at) => this.store.sweep(at)).catch(() => undefined);
  }
}
