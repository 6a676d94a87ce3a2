import type { TaskSnapshot } from "../protocol/message.js";

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
}

/** The wire snapshot of a record: a shallow copy without the store's own fields. */
export function snapshot(record: TaskRecord): TaskSnapshot {
  const { owner: _owner, expires_at: _expires, ...wire } = record;
  return wire;
}
