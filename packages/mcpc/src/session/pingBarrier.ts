import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { EmptyResultSchema, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";

/** Options of a {@link PingBarrier}. */
export interface PingBarrierOptions {
  /**
   * One stream carries every call (stdio, legacy SSE): one ping per turn serves
   * every call that needs a barrier. False on Streamable HTTP, where each call
   * pings on its own stream. Default true.
   */
  oneStream?: boolean;
  /**
   * False where the client cannot read a progress notification together with
   * the answer that follows it: the SDK client over Streamable HTTP hands each
   * SSE event to the protocol after an `await` of its reader, so a progress
   * handler (run a microtask after its notification) always runs before the
   * next event, the answer, is read. There a barrier orders nothing and costs a
   * request per call: {@link PingBarrier.wait} resolves at once. Default true.
   */
  needed?: boolean;
  /** Where the one line about a client that does not answer pings goes. */
  logger?: (message: string) => void;
}

/**
 * The ping barrier of one session: before a call with progress is answered, a
 * `ping` to the client, answered only after it has read everything sent before
 * it (the SDK client drops progress notifications that share a read with the
 * answer, typescript-sdk#2580).
 *
 * On a connection with one stream (stdio, legacy SSE), one ping written after
 * the updates of many calls is a barrier for all of them: when a thousand calls
 * end together, the client answers one ping instead of a thousand, and their
 * last updates are not held up behind its work on the others' pings. Over
 * Streamable HTTP no ping is sent (see {@link PingBarrierOptions.needed}):
 * there it cost each call a second request, and made the SDK client do a
 * third more work under 50 sessions × 10 calls (`pnpm bench --http`, H2).
 *
 * **A client that never answers.** After one ping times out
 * (`pingBarrierTimeoutMs`), the session stops waiting on pings: later barriers
 * are one turn of the event loop, and one warning is logged. Otherwise every
 * call with progress would wait out the timeout for a client that will not answer.
 */
export class PingBarrier {
  /** Whether calls share one ping per turn (see {@link PingBarrierOptions.oneStream}). */
  readonly oneStream: boolean;
  /** Whether a barrier pings at all (see {@link PingBarrierOptions.needed}). */
  readonly needed: boolean;
  readonly #server: Server;
  readonly #timeoutMs: () => number;
  readonly #logger: ((message: string) => void) | undefined;
  /** The ping of this turn, not written yet: callers until then share it. */
  #next: Promise<void> | undefined;
  /** A ping timed out: the client does not answer them, and is not asked again. */
  #gaveUp = false;

  constructor(server: Server, timeoutMs: () => number, options: PingBarrierOptions = {}) {
    this.#server = server;
    this.#timeoutMs = timeoutMs;
    this.oneStream = options.oneStream ?? true;
    this.needed = options.needed ?? true;
    this.#logger = options.logger;
  }

  /** True once a ping went unanswered and barriers no longer ping. */
  get gaveUp(): boolean {
    return this.#gaveUp;
  }

  /**
   * Resolves once the client answered a ping written after everything sent so
   * far (or could not). `relatedRequestId`: the call whose stream carries the
   * ping, where calls do not share one (Streamable HTTP).
   */
  wait(relatedRequestId?: string | number): Promise<void> {
    if (!this.needed) return Promise.resolve();
    if (this.#gaveUp) return new Promise(setImmediate);
    if (!this.oneStream) return this.#ping(relatedRequestId);
    return (this.#next ??= this.#shared());
  }

  async #shared(): Promise<void> {
    // The end of this turn: what every caller sent in it is written before the ping.
    await new Promise(setImmediate);
    this.#next = undefined;
    await this.#ping(undefined);
  }

  async #ping(relatedRequestId: string | number | undefined): Promise<void> {
    try {
      const options = { timeout: this.#timeoutMs(), ...(relatedRequestId !== undefined && { relatedRequestId }) };
      await this.#server.request({ method: "ping" }, EmptyResultSchema, options);
    } catch (error) {
      // An error answer is still an answer (the client read what came before it); a timeout is not.
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout && !this.#gaveUp) {
        this.#gaveUp = true;
        this.#logger?.(
          `the client did not answer a ping within ${this.#timeoutMs()} ms; calls with progress no longer wait for one ` +
            "(a client that drops progress read together with the answer, typescript-sdk#2580, may miss the last updates).",
        );
      }
    }
  }
}
