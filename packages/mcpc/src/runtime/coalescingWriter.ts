/**
 * The stdout the SDK's `StdioServerTransport` writes through on a stdio server.
 *
 * The transport calls `write(json)` once per message and, when that returns
 * false, waits for `'drain'` before it resolves the send. This writer keeps that
 * contract and changes what happens underneath:
 *
 * - **The first message at once, the rest of the turn together.** A message
 *   written while nothing else went out this turn of the event loop is handed
 *   to the real stdout at once (an answer or a lone event waits for nothing);
 *   the messages that follow it in the same turn are joined and written once,
 *   at the end of the turn (`setImmediate`), or as soon as a pipe's worth
 *   (64 KiB) has gathered, instead of one `write` (and one libuv request) each.
 * - **No long holds.** A turn that keeps producing (a thousand timers firing at
 *   once, a tight loop of yields) also writes what it gathered once the oldest
 *   of it has waited 1 ms: the client, on another core, reads and works while
 *   the server is still producing, instead of waiting for the whole burst.
 * - **Backpressure without pile-ups.** While the real stdout is full, `write`
 *   returns false and the messages wait here in order; every caller waiting for
 *   `'drain'` is kept in one array and released together. (Waiting on the real
 *   stream instead adds one `once('drain')` listener per message; with
 *   thousands of unawaited sends, removing them is quadratic.)
 * - **Flush on shutdown.** {@link flush} resolves once everything written so
 *   far has been accepted by the operating system.
 */

/** What this writer needs from the real stdout (a `net.Socket`, a `tty.WriteStream`, a file stream). */
export interface RawOutput {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  once(event: "drain", listener: () => void): unknown;
}

/** Gathered bytes (UTF-16 units, near enough) after which a write goes out without waiting for the tick. */
const FLUSH_AT = 64 * 1024;
/** How long the oldest gathered message may wait for the end of a busy turn, ms. */
const MAX_DELAY_MS = 1;
/** The clock is read once per this many gathered messages, not per message. */
const CLOCK_EVERY = 16;

export class CoalescingWriter {
  readonly #out: RawOutput;
  #pending: string[] = [];
  #pendingSize = 0;
  #scheduled = false;
  /** The real stdout said "full" and has not drained yet. */
  #blocked = false;
  #drainWaiters: Array<() => void> = [];
  readonly #flushAt: number;
  readonly #maxDelayMs: number;
  /** When the first message now gathered was written (read lazily, see CLOCK_EVERY). */
  #since = 0;

  constructor(out: RawOutput, options: { flushAt?: number; maxDelayMs?: number } = {}) {
    this.#out = out;
    this.#flushAt = options.flushAt ?? FLUSH_AT;
    this.#maxDelayMs = options.maxDelayMs ?? MAX_DELAY_MS;
  }

  /**
   * Queues one message. Returns false while the real stdout is full: the caller
   * may then wait for `'drain'` (the message itself is kept and goes out in order).
   */
  write(chunk: string): boolean {
    if (!this.#blocked && !this.#scheduled) {
      // Nothing is gathered (it is written at the end of every turn): no order to keep.
      // The write before the timer: a lone event waits for nothing, not even that call.
      this.#scheduled = true;
      this.#writeRaw(chunk);
      setImmediate(this.#onTick);
      return !this.#blocked;
    }
    const gathered = this.#pending.push(chunk);
    this.#pendingSize += chunk.length;
    if (this.#blocked) return false;
    if (gathered === 1) this.#since = performance.now();
    if (this.#pendingSize >= this.#flushAt) this.#writeOut();
    else if (gathered % CLOCK_EVERY === 0 && performance.now() - this.#since >= this.#maxDelayMs) this.#writeOut();
    return !this.#blocked;
  }

  /** Only `'drain'` is an event of this writer: the listener runs once, when writing may go on. */
  once(event: string, listener: () => void): this {
    if (event !== "drain") throw new Error(`CoalescingWriter has no "${event}" event.`);
    if (this.#blocked) this.#drainWaiters.push(listener);
    else queueMicrotask(listener);
    return this;
  }

  /** Writes out what is gathered and resolves once the operating system has taken everything written so far. */
  flush(): Promise<void> {
    if (this.#blocked) {
      // The drain handler writes the rest; then an empty write marks the end of the queue.
      return new Promise((resolve) => this.#drainWaiters.push(() => void this.flush().then(resolve)));
    }
    this.#writeOut();
    return new Promise((resolve) => {
      this.#out.write("", () => resolve());
    });
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
    this.#blocked = false;
    this.#writeOut();
    if (this.#blocked) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) waiter();
  };

  #writeOut(): void {
    if (this.#pending.length === 0) return;
    const data = this.#pending.length === 1 ? (this.#pending[0] as string) : this.#pending.join("");
    this.#pending = [];
    this.#pendingSize = 0;
    this.#writeRaw(data);
  }

  #writeRaw(data: string): void {
    if (!this.#out.write(data)) {
      this.#blocked = true;
      this.#out.once("drain", this.#onDrain);
    }
  }
}
