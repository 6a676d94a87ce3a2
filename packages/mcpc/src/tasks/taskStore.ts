import type { TaskSnapshot } from "../protocol/message.js";
import type { TaskEvent, TaskStartSpec } from "./taskSpec.js";
import type { TaskControlChannel } from "./controlChannel.js";

/**
 * A task as the store keeps it: the wire snapshot plus its owner and expiry.
 * The registry mutates the record of a running task in place and hands it back
 * to {@link TaskStore.save} after each event, so an in-memory store costs no copy.
 */
export interface TaskRecord extends TaskSnapshot {
  /** The session (or authenticated principal) that started the task. */
  owner: string;
  /** When a finished task may be removed (ms since the epoch). */
  expires_at?: number;
}

/** A value, or a promise of it: the in-memory store answers synchronously, a remote one does not. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where task records live. The default is {@link MemoryTaskStore}; a store on
 * Redis (several replicas) implements the same interface.
 *
 * Records are keyed by `(owner, task_id)`: a store never answers for another owner.
 */
export interface TaskStore {
  /** Adds a record; returns false (and keeps the old one) when `(owner, task_id)` exists. */
  create(record: TaskRecord): MaybePromise<boolean>;
  /** Persists the current state of a record after an event. */
  save(record: TaskRecord): MaybePromise<void>;
  /** The record, or undefined when the owner has no such task. */
  get(owner: string, taskId: string): MaybePromise<TaskRecord | undefined>;
  /** The owner's records, oldest first. */
  list(owner: string): MaybePromise<TaskRecord[]>;
  /** Removes a record; true when there was one. */
  delete(owner: string, taskId: string): MaybePromise<boolean>;
  /** Removes finished records whose `expires_at` is past; returns how many. */
  sweep(now: number): MaybePromise<number>;

  // Optional: what a store shared by several replicas offers. The in-memory store has none of them.

  /**
   * Appends one event of the task to its ordered log, so that a client can
   * replay it later (see {@link TaskStore.events}), from any replica. Called
   * for every event, in order, with the record already updated (its `seq` is
   * the event's). A returned promise holds the task's generator until it
   * settles (backpressure); it should not reject: a store that cannot write
   * holds or reports the write itself.
   */
  append?(record: TaskRecord, event: TaskEvent): MaybePromise<void>;
  /**
   * The logged events of the owner's task with `seq` greater than `afterSeq`,
   * oldest first, at most `limit`; undefined when the owner has no such task.
   * A bounded log may have dropped the oldest: the first `seq` tells.
   */
  events?(owner: string, taskId: string, afterSeq: number, limit?: number): MaybePromise<TaskEvent[] | undefined>;
  /**
   * Resolves once every write accepted so far has reached the store's backend
   * (the engine awaits it at the end of `shutdown`, so terminal states are not lost on exit).
   */
  flush?(): Promise<void>;
  /**
   * Resolves once the store can serve; rejects with an error naming the backend
   * when it cannot be reached. Whoever starts serving awaits it, to fail at
   * start rather than at the first task; the engine itself does not call it.
   */
  ready?(): Promise<void>;
  /**
   * Releases what the store holds (connections, leases) once the server that
   * used it has shut down. `serve()` calls it after the server's sessions have
   * closed; the engine itself does not.
   */
  close?(): Promise<void>;
  /**
   * How requests about a task that another replica runs reach it (stop, task
   * input, waiting for its end). The engine uses it only for tasks not live in
   * its own process, and installs its handler of other replicas' requests when made.
   */
  readonly control?: TaskControlChannel;
}

/** The wire snapshot of a record: a shallow copy without the store's own fields. */
export function snapshot(record: TaskRecord): TaskSnapshot {
  const { owner: _owner, expires_at: _expires, ...wire } = record;
  return wire;
}

/** The record of a task just started: `working`, no event yet (`created` will be seq 1). */
export function newRecord(spec: Pick<TaskStartSpec, "owner" | "toolName" | "ttlMs">, taskId: string, now: number): TaskRecord {
  return {
    owner: spec.owner,
    task_id: taskId,
    tool_name: spec.toolName,
    status: "working",
    seq: 0,
    created_at: now,
    updated_at: now,
    ...(spec.ttlMs !== undefined && { ttl_ms: spec.ttlMs }),
  };
}
