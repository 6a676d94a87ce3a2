import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { EmptyResultSchema } from "@modelcontextprotocol/sdk/types.js";

/**
 * One `ping` shared by every call of a session that needs a barrier in the same
 * turn of the event loop, on a connection with one stream (stdio, legacy SSE).
 *
 * A barrier makes sure the client has read a call's progress notifications
 * before its answer (the SDK client drops those that share a read with the
 * answer, typescript-sdk#2580): a client answers a ping only after reading
 * what came before it. On one stream, one ping written after the updates of
 * many calls is a barrier for all of them. When a thousand calls end together,
 * that is one ping for the client to answer instead of a thousand, and their
 * last updates are not held up behind the client's work on the others' pings.
 * (Streamable HTTP has a stream per call: there each call pings on its own.)
 */
export class PingBarrier {
  readonly #server: Server;
  readonly #timeoutMs: () => number;
  /** The ping of this turn, not written yet: callers until then share it. */
  #next: Promise<void> | undefined;

  constructor(server: Server, timeoutMs: () => number) {
    this.#server = server;
    this.#timeoutMs = timeoutMs;
  }

  /** Resolves once the client answered a ping written after everything sent so far (or could not). */
  wait(): Promise<void> {
    return (this.#next ??= this.#ping());
  }

  async #ping(): Promise<void> {
    // The end of this turn: what every caller sent in it is written before the ping.
    await new Promise(setImmediate);
    this.#next = undefined;
    try {
      await this.#server.request({ method: "ping" }, EmptyResultSchema, { timeout: this.#timeoutMs() });
    } catch {
      // A client that cannot answer pings still gets its answers.
    }
  }
}
