/** Gathered text after which a stream's batch goes out at once. */
const FLUSH_AT = 64 * 1024;
/** How long the oldest gathered event may wait for the end of a busy turn, ms. */
const MAX_HOLD_MS = 1;

/** Options of an {@link SseBatcher}; the defaults are what sessions use. */
export interface SseBatcherOptions {
  /** Gathered characters after which a stream's batch goes out at once. Default 64 Ki. */
  flushAt?: number;
  /** How long the oldest gathered event may wait for the end of a busy turn, ms. Default 1. */
  maxHoldMs?: number;
  /** The clock, in ms (tests stop it). Default `performance.now`. */
  now?: () => number;
}

/** Where a batch goes: one `enqueue` of the joined SSE events of one stream. */
export type SseSink = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => void;

/**
 * Joins the SSE events written to each stream in one turn of the event loop
 * into one chunk. Each chunk in the SDK's web `ReadableStream` costs a `read()`
 * by `@hono/node-server` and a `write()` to the response (and a syscall when the
 * socket is idle): a tool that yields fast makes hundreds of events per turn, and
 * sends them as a few chunks instead (see notificationPath.ts).
 *
 * A batch goes out at the end of the turn (one `setImmediate` per batch, none per
 * event), once 64 KiB have gathered, or once its oldest event has waited 1 ms in
 * a turn that keeps producing, so the client reads while the server still works.
 * {@link flush} sends one stream's batch now: the SDK's own writes to a stream
 * (a result, which then ends it) call it first, so order is kept.
 */
export class SseBatcher {
  readonly #sink: SseSink;
  readonly #flushAt: number;
  readonly #maxHoldMs: number;
  readonly #now: () => number;
  readonly #batches = new Map<ReadableStreamDefaultController<Uint8Array>, { text: string; since: number }>();
  #scheduled: NodeJS.Immediate | undefined;

  constructor(sink: SseSink, options: SseBatcherOptions = {}) {
    this.#sink = sink;
    this.#flushAt = options.flushAt ?? FLUSH_AT;
    this.#maxHoldMs = options.maxHoldMs ?? MAX_HOLD_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Adds one SSE event (its whole text) to the stream's batch. */
  add(controller: ReadableStreamDefaultController<Uint8Array>, event: string): void {
    const batch = this.#batches.get(controller);
    if (batch === undefined) {
      this.#batches.set(controller, { text: event, since: this.#now() });
      if (this.#scheduled === undefined) this.#scheduled = setImmediate(this.#flushAll);
      return;
    }
    batch.text += event;
    if (batch.text.length >= this.#flushAt || this.#now() - batch.since >= this.#maxHoldMs) this.flush(controller);
  }

  /** Sends the stream's batch now, if it has one. */
  flush(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const batch = this.#batches.get(controller);
    if (batch === undefined) return;
    this.#batches.delete(controller);
    this.#sink(controller, Buffer.from(batch.text));
  }

  /** Sends every batch now. */
  readonly flushAll = (): void => {
    for (const controller of [...this.#batches.keys()]) this.flush(controller);
  };

  readonly #flushAll = (): void => {
    this.#scheduled = undefined;
    this.flushAll();
  };
}
