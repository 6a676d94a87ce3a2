import { deferred, type Deferred } from "../util/deferred.js";
import type { OutboundGauge } from "../session/outbound.js";

/**
 * The stdout the SDK's `StdioServerTransport` writes through on a stdio server.
 *
 * The transport calls `write(json)` once per message and, when that returns
 * false, waits for `'drain'` before it resolves the send. This writer keeps that
 * contract and changes what happens underneath:
 *
 * - **A lone message at once, a burst together.** A message written when
 *   nothing waits here and nothing went out for {@link QUIET_MS} (0.1 ms) is
 *   handed to the real stdout at once, and nothing is scheduled: an answer or
 *   an event of a stream at ~1,000 events/s costs one `write` and no extra turn
 *   of the event loop. A message close behind another starts a gathering: it
 *   and those that follow are joined and written once, at the end of the turn
 *   (`setImmediate`, one per gathering, never one per message), or as soon as a
 *   pipe's worth (64 KiB) has gathered, instead of one `write` (and one libuv
 *   request) each. (An immediate after every lone message, as this writer once
 *   scheduled, cost a second pass of the event loop per event: at ~1,000
 *   events/s about two `epoll_pwait` per event instead of one and a half, and
 *   the latency that comes with the extra work.)
 * - **No long holds.** A turn that keeps producing (a thousand timers firing at
 *   once, a tight loop of yields) also writes what it gathered once the oldest
 *   of it has waited 1 ms: the client, on another core, reads and works while
 *   the server is still producing, instead of waiting for the whole burst.
 * - **Backpressure without pile-ups.** While the real stdout is full, `write`
 *   returns false and the messages wait here in order; every caller waiting for
 *   `'drain'` is kept in one array and released together. (Waiting on the real
 *   stream instead adds one `once('drain')` listener per message; with
 *   thousands of unawaited sends, removing them is quadratic.)
 * - **Bounded chunks.** What waited is written out in chunks of at most
 *   {@link MAX_WRITE} (1 MiB), and only while the real stdout takes them: a
 *   backlog is never joined into one string (a long stall once made a string
 *   longer than V8 allows: `RangeError: Invalid string length`).
 * - **A gauge for the session** ({@link OutboundGauge}). More than
 *   `maxQueuedBytes` (default 8 MiB) waiting here makes the writer *congested*
 *   until the client has read all of it; the session then drops best-effort
 *   messages (outbound.ts). What still comes (answers, task events, terminal
 *   events) is kept: each producer of those waits for `'drain'`, so the
 *   overshoot is at most one message per producer.
 * - **A broken pipe is a client that left.** After a write fails (`EPIPE`: the
 *   client closed its end) nothing more is written: later writes are dropped
 *   and return true, every waiter is released, {@link flush} resolves, and
 *   `onBroken` is called once so the server can shut down as for stdin's end.
 * - **Flush on shutdown.** {@link flush} resolves once everything written so
 *   far has been accepted by the operating system (or the pipe broke).
 */

/** What this writer needs from the real stdout (a `net.Socket`, a `tty.WriteStream`, a file stream). */
export interface RawOutput {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  once(event: "drain", listener: () => void): unknown;
}

/** Options of a {@link CoalescingWriter}. */
export interface CoalescingWriterOptions {
  /** Gathered bytes after which a write goes out without waiting for the end of the turn. Default 64 KiB. */
  flushAt?: number;
  /** How long the oldest gathered message may wait for the end of a busy turn, ms. Default 1. */
  maxDelayMs?: number;
  /** A message this long (ms) after the last real write, with nothing gathered, goes out at once. Default 0.1. */
  quietMs?: number;
  /** The clock, ms (default `performance.now`); tests pass their own. */
  now?: () => number;
  /** Bytes waiting for a slow client beyond which the writer is congested (best-effort messages are dropped). Default 8 MiB. */
  maxQueuedBytes?: number;
  /** Called once, when a write fails: the pipe is broken and the client is gone. */
  onBroken?: (error: Error) => void;
}

/** Gathered bytes (UTF-16 units, near enough) after which a write goes out without waiting for the tick. */
const FLUSH_AT = 64 * 1024;
/** How long the oldest gathered message may wait for the end of a busy turn, ms. */
const MAX_DELAY_MS = 1;
/**
 * A message this long after the last real write is a lone one, written at once;
 * a message sooner than that is part of a burst, gathered till the end of the
 * turn. It only needs to be long against one `write` call (a few µs): a producer
 * slower than that gains nothing from joining, and one faster is a burst.
 */
const QUIET_MS = 0.1;
/** The clock is read once per this many gathered messages, not per message. */
const CLOCK_EVERY = 16;
/** Default bound on what waits here for a slow client (UTF-16 units: bytes for the ASCII of JSON). */
export const DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** Written messages kept at the front of the queue before it is compacted. */
const COMPACT_AFTER = 1024;
/** The most that is joined into one string for one real write. */
export const MAX_WRITE = 1024 * 1024;

/**
 * The stdout of a stdio server, and its session's {@link OutboundGauge} (see the top of this file).
 *
 * @example
 * ```ts
 * const writer = new CoalescingWriter({ write: (chunk, done) => process.stdout.write(chunk, done), once: (e, l) => process.stdout.once(e, l) });
 * writer.write('{"jsonrpc":"2.0","method":"ping","id":1}\n');
 * await writer.flush();
 * ```
 */
export class CoalescingWriter implements OutboundGauge {
  readonly #out: RawOutput;
  /** Messages not handed to the real stdout yet; those before #head are written (cleared in bulk). */
  #pending: string[] = [];
  #head = 0;
  #pendingSize = 0;
  #scheduled = false;
  /** The real stdout said "full" and has not drained yet. */
  #blocked = false;
  #drainWaiters: Array<() => void> = [];
  readonly #flushAt: number;
  readonly #maxDelayMs: number;
  readonly #quietMs: number;
  readonly #now: () => number;
  readonly #maxQueued: number;
  /** When the last real write was made (#now), for telling a lone message from a burst. */
  #lastWrite = Number.NEGATIVE_INFINITY;
  /** When the first message now gathered was written (read lazily, see CLOCK_EVERY). */
  #since = 0;
  /** More than #maxQueued waited; cleared once everything has been handed over. */
  #congested = false;
  #writable: Deferred<void> | undefined;
  #broken = false;
  #onBroken: ((error: Error) => void) | undefined;

  constructor(out: RawOutput, options: CoalescingWriterOptions = {}) {
    this.#out = out;
    this.#flushAt = options.flushAt ?? FLUSH_AT;
    this.#maxDelayMs = options.maxDelayMs ?? MAX_DELAY_MS;
    this.#quietMs = options.quietMs ?? QUIET_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.#onBroken = options.onBroken;
  }

  /**
   * Queues one message. Returns false while the real stdout is full: the caller
   * may then wait for `'drain'` (the message itself is kept and goes out in order).
   * After the pipe broke, drops the message and returns true.
   */
  write(chunk: string): boolean {
    if (this.#broken) return true;
    if (!this.#blocked && !this.#scheduled) {
      // Nothing is gathered (a gathering ends with its turn): no order to keep.
      const now = this.#now();
      if (now - this.#lastWrite >= this.#quietMs) {
        // A lone message: out at once, and no timer, so no extra turn of the event loop for it.
        this.#writeRaw(chunk, now);
        return !this.#blocked;
      }
      // Close behind the last write: a burst. Gather it, and write the lot at the end of the turn.
      this.#scheduled = true;
      setImmediate(this.#onTick);
    }
    const gathered = this.#pending.push(chunk) - this.#head;
    this.#pendingSize += chunk.length;
    if (this.#blocked) {
      if (this.#pendingSize > this.#maxQueued) this.#congested = true;
      return false;
    }
    if (gathered === 1) this.#since = this.#now();
    if (this.#pendingSize >= this.#flushAt) this.#writeOut();
    else if (gathered % CLOCK_EVERY === 0 && this.#now() - this.#since >= this.#maxDelayMs) this.#writeOut();
    return !this.#blocked;
  }

  /** Only `'drain'` is an event of this writer: the listener runs once, when writing may go on. */
  once(event: string, listener: () => void): this {
    if (event !== "drain") throw new Error(`CoalescingWriter has no "${event}" event.`);
    if (this.#blocked) this.#drainWaiters.push(listener);
    else queueMicrotask(listener);
    return this;
  }

  /** True while more than `maxQueuedBytes` wait for the client (until it has read them all). */
  congested(): boolean {
    return this.#congested;
  }

  /** Resolves once the client has caught up (at once when not congested, or once the pipe broke). */
  writable(): Promise<void> {
    if (!this.#congested) return Promise.resolve();
    // One promise for every caller while congested: nothing is held per waiting producer.
    return (this.#writable ??= deferred<void>()).promise;
  }

  /** True once a write failed: the client is gone and everything is dropped. */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Writes out what is gathered and resolves once the operating system has
   * taken everything written so far, or at once when the pipe is broken.
   */
  flush(): Promise<void> {
    if (this.#broken) return Promise.resolve();
    if (this.#blocked) {
      // The drain handler writes the rest; then an empty write marks the end of the queue.
      return new Promise((resolve) => this.#drainWaiters.push(() => void this.flush().then(resolve)));
    }
    this.#writeOut();
    // The callback runs with an error too (the pipe broke meanwhile): resolve either way.
    return new Promise((resolve) => {
      this.#out.write("", () => resolve());
    });
  }

  /**
   * The pipe is broken (a write failed, or the stream reported an error): drop
   * what waits, release every waiter, and call `onBroken` once. Idempotent.
   */
  fail(error: Error): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#pending = [];
    this.#head = 0;
    this.#pendingSize = 0;
    this.#blocked = false;
    this.#releaseWaiters();
    const onBroken = this.#onBroken;
    this.#onBroken = undefined;
    onBroken?.(error);
  }

  /** Bytes gathered here and not yet handed to the real stdout. */
  get pendingLength(): number {
    return this.#pendingSize;
  }

  readonly #onTick = (): void => {
    this.#scheduled = false;
    if (!this.#blocked) this.#writeOut();
  };

  readonly #onDrain = (): void => {
    if (this.#broken) return;
    this.#blocked = false;
    this.#writeOut();
    if (this.#blocked) return;
    this.#releaseWaiters();
  };

  /** One callback for every real write: a failure means the reader is gone. */
  readonly #onWritten = (error?: Error | null): void => {
    if (error) this.fail(error);
  };

  #releaseWaiters(): void {
    this.#congested = false;
    const writable = this.#writable;
    this.#writable = undefined;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) waiter();
    writable?.resolve();
  }

  /** Hands what is gathered to the real stdout, at most MAX_WRITE per write, until it says full. */
  #writeOut(): void {
    const pending = this.#pending;
    while (this.#head < pending.length && !this.#blocked && !this.#broken) {
      let end = this.#head + 1;
      let size = (pending[this.#head] as string).length;
      while (end < pending.length && size + (pending[end] as string).length <= MAX_WRITE) size += (pending[end++] as string).length;
      const data = end === this.#head + 1 ? (pending[this.#head] as string) : pending.slice(this.#head, end).join("");
      this.#head = end;
      this.#pendingSize -= size;
      this.#writeRaw(data);
    }
    if (this.#pending !== pending) return;
    if (this.#head >= pending.length) {
      this.#pending = [];
      this.#head = 0;
      this.#pendingSize = 0;
    } else if (this.#head > COMPACT_AFTER && this.#head * 2 > pending.length) {
      // Written messages before #head would stay alive until the whole backlog is out.
      this.#pending = pending.slice(this.#head);
      this.#head = 0;
    }
  }

  /** One real write; `now` when the caller has just read the clock. */
  #writeRaw(data: string, now: number = this.#now()): void {
    this.#lastWrite = now;
    if (!this.#out.write(data, this.#onWritten) && !this.#broken) {
      this.#blocked = true;
      this.#out.once("drain", this.#onDrain);
    }
  }
}
