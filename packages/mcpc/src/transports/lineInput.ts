import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";

/** Default longest stdio input line, bytes: the SDK's own read-buffer bound. */
export const DEFAULT_MAX_LINE_BYTES = 10 * 1024 * 1024;
/** How much of an oversized line's start and end is kept to find its request id. */
const EDGE_BYTES = 4096;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** A line longer than the limit, skipped: its size and its first and last few kilobytes. */
export interface OversizedLine {
  readonly bytes: number;
  readonly head: string;
  readonly tail: string;
}

/**
 * stdin as the SDK's `StdioServerTransport` reads it, with two things added.
 *
 * - **A line limit.** The SDK keeps reading a line until its whole buffer
 *   passes 10 MiB, then closes the transport without a word (no reply, later
 *   requests unanswered). Here a line is passed on only once it is complete
 *   and within `maxLineBytes`; a longer one is skipped up to its newline and
 *   reported through {@link onOversized}, and reading goes on.
 * - **Which line failed.** Complete lines are handed over synchronously, in
 *   one `'data'` event per chunk, and the SDK turns each line of it into
 *   exactly one `onmessage` or `onerror`, in order, before the event returns.
 *   The transport wrapper calls {@link nextLine} for each message and
 *   {@link takeLine} for each unreadable line, which finds that line's text
 *   only then: good lines cost a counter, never a second parse or copy.
 *
 * It is the part of `Readable` that the SDK transport uses (`on`/`off` for
 * `'data'` and `'error'`, `listenerCount`, `pause`), not a stream of its own.
 */
export class LineInput extends EventEmitter {
  /** Called for each skipped line, once its end has been read. */
  onOversized: ((line: OversizedLine) => void) | undefined;
  readonly maxLineBytes: number;
  readonly #source: Readable;
  /** The start of the line being read, until its newline arrives. */
  #held: Buffer[] = [];
  #heldBytes = 0;
  #skipping = false;
  #skipBytes = 0;
  #skipHead = EMPTY;
  #skipTail = EMPTY;
  /** The lines being handed over now; the SDK reads them before `emit` returns. */
  #current: Buffer | undefined;
  /** Lines of #current the SDK has read so far. */
  #read = 0;
  /** Where line #scanIndex of #current starts (found on demand, only for unreadable lines). */
  #scanIndex = 0;
  #scanOffset = 0;
  #reading = false;

  constructor(source: Readable, options: { maxLineBytes?: number } = {}) {
    super();
    this.#source = source;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    source.on("error", (error: Error) => {
      // Without a listener an 'error' event throws; the SDK transport adds one when it starts.
      if (this.listenerCount("error") > 0) this.emit("error", error);
    });
    // Read only once someone listens, as a stream would: nothing read before the transport starts is lost.
    this.on("newListener", (event: string | symbol) => {
      if (event !== "data" || this.#reading) return;
      this.#reading = true;
      source.on("data", this.#onData);
    });
  }

  /** Stops reading (the SDK transport calls it on close). */
  pause(): this {
    this.#source.pause();
    return this;
  }

  /** Reads again after {@link pause}. */
  resume(): this {
    this.#source.resume();
    return this;
  }

  /** The SDK read one line of the current hand-over as a message. */
  nextLine(): void {
    this.#read++;
  }

  /** The text of the line the SDK could not read (the next one of the current hand-over); undefined outside one. */
  takeLine(): string | undefined {
    const lines = this.#current;
    if (!lines) return undefined;
    const index = this.#read++;
    while (this.#scanIndex < index) {
      const newline = lines.indexOf(NEWLINE, this.#scanOffset);
      if (newline < 0) return undefined;
      this.#scanOffset = newline + 1;
      this.#scanIndex++;
    }
    const newline = lines.indexOf(NEWLINE, this.#scanOffset);
    return lines.toString("utf8", this.#scanOffset, newline < 0 ? lines.length : newline).replace(/\r$/, "");
  }

  readonly #onData = (data: Buffer | string): void => {
    let chunk = typeof data === "string" ? Buffer.from(data) : data;
    if (this.#skipping) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) return this.#skipMore(chunk);
      this.#skipMore(chunk.subarray(0, newline));
      this.#endSkip();
      chunk = chunk.subarray(newline + 1);
    }
    if (this.#heldBytes + chunk.length <= this.maxLineBytes) {
      // The hot path: no line here can be too long, so every complete line goes on at once.
      const last = chunk.lastIndexOf(NEWLINE);
      if (last < 0) return this.#hold(chunk);
      this.#deliver(this.#withHeld(chunk.subarray(0, last + 1)));
      return this.#hold(chunk.subarray(last + 1));
    }
    this.#split(chunk);
  };

  /** A chunk that may hold a line over the limit: walk it line by line. */
  #split(chunk: Buffer): void {
    // [from, at): complete lines within the limit, not handed over yet. Held bytes belong to the line at 0.
    let from = 0;
    let at = 0;
    while (at < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, at);
      const end = newline < 0 ? chunk.length : newline;
      const bytes = (at === 0 ? this.#heldBytes : 0) + end - at;
      if (bytes > this.maxLineBytes) {
        if (at > from) this.#deliver(this.#withHeld(chunk.subarray(from, at)));
        this.#startSkip(at === 0 ? [...this.#held, chunk.subarray(0, end)] : [chunk.subarray(at, end)]);
        if (newline < 0) return;
        this.#endSkip();
        at = from = newline + 1;
        continue;
      }
      if (newline < 0) break;
      at = newline + 1;
    }
    if (at > from) this.#deliver(this.#withHeld(chunk.subarray(from, at)));
    this.#hold(chunk.subarray(at));
  }

  #hold(part: Buffer): void {
    if (part.length === 0) return;
    this.#held.push(part);
    this.#heldBytes += part.length;
  }

  /** `part` with the held start of its first line before it (one copy, only when a line spans chunks). */
  #withHeld(part: Buffer): Buffer {
    if (this.#held.length === 0) return part;
    const whole = Buffer.concat([...this.#held, part]);
    this.#held = [];
    this.#heldBytes = 0;
    return whole;
  }

  #deliver(lines: Buffer): void {
    this.#current = lines;
    this.#read = 0;
    this.#scanIndex = 0;
    this.#scanOffset = 0;
    try {
      this.emit("data", lines);
    } finally {
      this.#current = undefined;
    }
  }

  #startSkip(parts: Buffer[]): void {
    this.#held = [];
    this.#heldBytes = 0;
    this.#skipping = true;
    this.#skipBytes = 0;
    this.#skipHead = EMPTY;
    this.#skipTail = EMPTY;
    for (const part of parts) this.#skipMore(part);
  }

  #skipMore(part: Buffer): void {
    this.#skipBytes += part.length;
    if (this.#skipHead.length < EDGE_BYTES) {
      this.#skipHead = Buffer.concat([this.#skipHead, part.subarray(0, EDGE_BYTES - this.#skipHead.length)]);
    }
    // A copy: the rest of the chunk the tail points into is not kept alive.
    this.#skipTail = Buffer.from(Buffer.concat([this.#skipTail, part.subarray(-EDGE_BYTES)]).subarray(-EDGE_BYTES));
  }

  #endSkip(): void {
    const line: OversizedLine = { bytes: this.#skipBytes, head: this.#skipHead.toString("utf8"), tail: this.#skipTail.toString("utf8") };
    this.#skipping = false;
    this.#skipHead = EMPTY;
    this.#skipTail = EMPTY;
    this.onOversized?.(line);
  }
}
