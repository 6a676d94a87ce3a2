import type { TaskRecord } from "mcpc/engine";
import type { TaskKeys } from "./keys.js";

/** An event waiting to be written: its payload is JSON already (the value as it was when yielded). */
export interface PendingEvent {
  readonly keys: TaskKeys;
  readonly seq: number;
  readonly event: string;
  readonly json: string;
}

/** A record waiting to be written: the live object, serialized when the batch goes (latest state wins). */
export interface PendingRecord {
  readonly keys: TaskKeys;
  readonly record: TaskRecord;
}

/** What one write carries: every event in order, and the latest state of each record. */
export interface WriteBatch {
  readonly records: readonly PendingRecord[];
  readonly events: readonly PendingEvent[];
}

/** Writes one batch; rejects when it should be retried (the connection failed), resolves otherwise. */
export type BatchSink = (batch: WriteBatch) => Promise<void>;

/** Bounds and pace of a {@link WriteBuffer}. */
export interface WriteBufferOptions {
  /** Shortest time between the starts of two writes. */
  intervalMs: number;
  /** Events pending or in flight beyond which writers wait. */
  maxEvents: number;
  /** Characters of event JSON pending or in flight beyond which writers wait. */
  maxChars: number;
}

/** Longest pause before a failed write is retried. */
const MAX_RETRY_MS = 2_000;

/**
 * Takes the engine's writes off its hot path. A task that yields fast costs one
 * write per interval, not one round trip per yield: events are kept in order,
 * a record is written once per batch in its latest state (the registry mutates
 * the same object), and one write is in flight at a time. Creates are not here
 * (the store writes them at once); terminal states and `created` events are
 * urgent: written on the next turn of the event loop, or right after the write
 * in flight.
 *
 * Memory is bounded: past `maxEvents` or `maxChars` waiting, an update gets a
 * promise that settles once the backlog is down to half, and the registry holds
 * the tool's generator on it. Urgent writes are never held (one per task at most).
 * A write that fails is put back in front and retried with backoff, so nothing is
 * dropped while Redis is away; writers just wait.
 */
export class WriteBuffer {
  readonly #options: WriteBufferOptions;
  readonly #sink: BatchSink;
  #records = new Map<string, PendingRecord>();
  #events: PendingEvent[] = [];
  #chars = 0;
  /** The batch being written: still answered from here, since a read may reach Redis before it does. */
  #inFlight: { records: Map<string, PendingRecord>; events: readonly PendingEvent[] } | undefined;
  #inFlightChars = 0;
  /** Records deleted while a write that carries them is in flight: a retry must not bring them back. */
  readonly #forgotten = new Set<string>();
  #writing = false;
  #urgent = false;
  #lastStart = 0;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  /** Settles when the backlog is down to half (shared by every waiting writer: no allocation per yield). */
  #drained: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Settles when nothing is pending or in flight (what flush waits for). */
  #idle: { promise: Promise<void>; resolve: () => void } | undefined;
  #closed = false;

  constructor(options: WriteBufferOptions, sink: BatchSink) {
    this.#options = options;
    this.#sink = sink;
  }

  /** Events and records waiting or in flight. */
  get size(): number {
    return this.#events.length + this.#records.size + (this.#inFlight?.events.length ?? 0);
  }

  /** The record will be written in its state at the next write. Returns a promise when writers must wait. */
  record(keys: TaskKeys, record: TaskRecord, urgent: boolean): void | Promise<void> {
    if (!this.#records.has(keys.record)) this.#records.set(keys.record, { keys, record });
    this.#kick(urgent);
    return urgent ? undefined : this.#backpressure();
  }

  /** The event, and its record's state, will be written at the next write. Returns a promise when writers must wait. */
  event(keys: TaskKeys, record: TaskRecord, seq: number, event: string, json: string, urgent: boolean): void | Promise<void> {
    this.#events.push({ keys, seq, event, json });
    this.#chars += json.length;
    return this.record(keys, record, urgent);
  }

  /** The task was deleted: its pending writes go, and a retry will not bring them back. */
  forget(keys: TaskKeys): void {
    this.#records.delete(keys.record);
    this.#inFlight?.records.delete(keys.record);
    if (this.#events.some((event) => event.keys.events === keys.events)) {
      this.#events = this.#events.filter((event) => event.keys.events !== keys.events);
      this.#chars = this.#events.reduce((sum, event) => sum + event.json.length, 0);
    }
    if (this.#writing) this.#forgotten.add(keys.record);
  }

  /** The record object waiting or being written under `recordKey`, if any (reads see this process's own writes). */
  pendingRecord(recordKey: string): TaskRecord | undefined {
    return (this.#records.get(recordKey) ?? this.#inFlight?.records.get(recordKey))?.record;
  }

  /** Events of one task waiting or being written, with `seq` above `afterSeq`, in order. */
  pendingEvents(eventsKey: string, afterSeq: number): PendingEvent[] {
    const mine = (event: PendingEvent): boolean => event.keys.events === eventsKey && event.seq > afterSeq;
    return [...(this.#inFlight?.events.filter(mine) ?? []), ...this.#events.filter(mine)];
  }

  /** Writes what is pending now; resolves true once nothing is pending or in flight, false after `timeoutMs`. */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.#isIdle()) return true;
    this.#kick(true);
    const idle = (this.#idle ??= settler()).promise;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([idle.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops writing: timers cleared, waiting writers released. What is still pending is dropped. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = this.#immediate = undefined;
    this.#drained?.resolve();
    this.#drained = undefined;
  }

  #isIdle(): boolean {
    return !this.#writing && this.#events.length === 0 && this.#records.size === 0;
  }

  #backpressure(): void | Promise<void> {
    const events = this.#events.length + (this.#inFlight?.events.length ?? 0);
    const chars = this.#chars + this.#inFlightChars;
    if (events < this.#options.maxEvents && chars < this.#options.maxChars) return undefined;
    return (this.#drained ??= settler()).promise;
  }

  #kick(urgent: boolean): void {
    if (this.#closed) return;
    if (urgent) this.#urgent = true;
    // The write in flight looks again when it ends.
    if (this.#writing || this.#immediate) return;
    if (this.#urgent) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      // The next turn, not now: the other terminal states of this turn (a shutdown stops many tasks) go in the same write.
      this.#immediate = setImmediate(this.#run);
      return;
    }
    if (this.#timer) return;
    this.#timer = setTimeout(this.#run, Math.max(0, this.#lastStart + this.#options.intervalMs - Date.now()));
  }

  readonly #run = (): void => {
    this.#timer = this.#immediate = undefined;
    void this.#write();
  };

  async #write(): Promise<void> {
    if (this.#closed) return;
    if (this.#events.length === 0 && this.#records.size === 0) return this.#settleIdle();
    const taken = this.#records;
    const records = [...taken.values()];
    const events = this.#events;
    const chars = this.#chars;
    this.#records = new Map();
    this.#events = [];
    this.#chars = 0;
    this.#inFlight = { records: taken, events };
    this.#inFlightChars = chars;
    this.#urgent = false;
    this.#writing = true;
    this.#lastStart = Date.now();
    let retryInMs = 0;
    try {
      await this.#sink({ records, events });
      this.#failures = 0;
    } catch {
      // The connection reports the outage (once); here the batch waits for the next attempt.
      this.#requeue(records, events, chars);
      retryInMs = Math.min(100 * 2 ** Math.min(this.#failures++, 5), MAX_RETRY_MS);
    } finally {
      this.#writing = false;
      this.#inFlight = undefined;
      this.#inFlightChars = 0;
      this.#forgotten.clear();
    }
    this.#release();
    if (this.#closed) return;
    if (this.#events.length === 0 && this.#records.size === 0) return this.#settleIdle();
    if (retryInMs > 0) this.#timer = setTimeout(this.#run, retryInMs);
    else this.#kick(false);
  }

  /** A failed batch goes back in front of what came meanwhile, so each task's events stay in order. */
  #requeue(records: readonly PendingRecord[], events: PendingEvent[], chars: number): void {
    const kept = events.filter((event) => !this.#forgotten.has(event.keys.record));
    this.#events = kept.concat(this.#events);
    this.#chars += kept.length === events.length ? chars : kept.reduce((sum, event) => sum + event.json.length, 0);
    for (const pending of records) {
      const key = pending.keys.record;
      if (!this.#forgotten.has(key) && !this.#records.has(key)) this.#records.set(key, pending);
    }
  }

  /** Writers waiting on the backlog go on once it is down to half. */
  #release(): void {
    if (!this.#drained) return;
    if (this.#events.length * 2 > this.#options.maxEvents || this.#chars * 2 > this.#options.maxChars) return;
    this.#drained.resolve();
    this.#drained = undefined;
  }

  #settleIdle(): void {
    this.#idle?.resolve();
    this.#idle = undefined;
  }
}

/** A promise with its resolve function (Node 20 has no `Promise.withResolvers`). */
function settler(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}
