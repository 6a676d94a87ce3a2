import type { ServerResponse } from "node:http";
import type { OutboundGauge } from "../../session/outbound.js";

/**
 * The {@link OutboundGauge} of one HTTP session, read off the session's open
 * responses: the Streamable HTTP GET stream, its POST streams, or the legacy
 * `/sse` stream.
 *
 * Where bytes pile up when a client stops reading (SDK 1.32, checked): the SDK's
 * Streamable HTTP transport enqueues each SSE event into a `ReadableStream` with
 * no bound (it never reads `desiredSize`); `@hono/node-server` pumps that stream
 * into our `ServerResponse` and stops pulling as soon as `write()` returns false,
 * until `drain`. So once the socket is full, the `ServerResponse` holds about its
 * `writableHighWaterMark` of unsent bytes (16 KiB on Node 20, 64 KiB on Node 22,
 * plus the one event that crossed it) and everything later waits, unbounded, in
 * the SDK's queue. The legacy `SSEServerTransport` writes straight to the response
 * and ignores `write()`'s answer: there the pile is the response's own buffer.
 * Either way, "the response needs a drain" (`writableNeedDrain`) is exactly the
 * moment bytes start to pile up in this process: that is {@link congested}.
 * (The kernel's socket buffers, a few MiB on loopback, are full by then too; they
 * are not in this process's memory.)
 *
 * The session honours it (see {@link OutboundGauge}): while congested, task events
 * wait and best-effort messages are dropped, so the SDK's queue only receives what
 * is never dropped (terminal events, answers). Per stream the bound on unsent
 * bytes held here is therefore the high-water mark plus one event, plus those.
 *
 * One gauge covers all of a session's streams: a client that stops reading any
 * of them is not keeping up, and events of that session wait for it.
 *
 * @example
 * ```ts
 * const gauge = new ResponseGauge();
 * gauge.track(response); // each SSE response of the session, as it opens
 * await runtime.connect(transport, { outbound: gauge, onClosed: () => gauge.close() });
 * ```
 */
export class ResponseGauge implements OutboundGauge {
  readonly #responses = new Set<ServerResponse>();
  #waiting: { promise: Promise<void>; resolve: () => void } | undefined;
  #closed = false;

  /** Watches `response` until it closes. */
  track(response: ServerResponse): void {
    if (this.#closed || response.destroyed || this.#responses.has(response)) return;
    this.#responses.add(response);
    response.on("drain", this.#recheck);
    response.once("close", () => {
      this.#responses.delete(response);
      response.off("drain", this.#recheck);
      this.#recheck();
    });
  }

  /** Responses watched now (open ones). */
  get size(): number {
    return this.#responses.size;
  }

  congested(): boolean {
    for (const response of this.#responses) {
      // `writableNeedDrain` is false once the response is destroyed or ended: nothing more piles up there.
      if (response.writableNeedDrain) return true;
    }
    return false;
  }

  writable(): Promise<void> {
    if (!this.congested()) return Promise.resolve();
    if (!this.#waiting) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#waiting = { promise, resolve };
    }
    return this.#waiting.promise;
  }

  /** The session closed: nothing is congested any more, and whoever waits goes on. */
  close(): void {
    this.#closed = true;
    for (const response of this.#responses) response.off("drain", this.#recheck);
    this.#responses.clear();
    this.#recheck();
  }

  /** On every `drain` and `close`: releases the waiters once no response needs a drain. One function for all responses. */
  readonly #recheck = (): void => {
    if (this.#waiting === undefined || this.congested()) return;
    const { resolve } = this.#waiting;
    this.#waiting = undefined;
    resolve();
  };
}
