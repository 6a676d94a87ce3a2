import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { EmptyResultSchema, type JSONRPCMessage, type ServerNotification, type ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { CallSession } from "./callSession.js";
import { ProgressCounter, type ProgressParams } from "./progress.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A send that fails on a closed transport changes nothing for the task: one shared handler, not a closure per event. */
function ignore(): void {}

/**
 * The `notifications/progress` of one call, when it has a `progressToken`; the
 * caller awaits {@link barrier} before answering. It is the call's progress
 * counter itself (a subclass, not a second object): at thousands of open calls
 * every object per call counts.
 */
export class CallProgress extends ProgressCounter {
  protected readonly session: CallSession;
  protected readonly extra: Extra;
  readonly #hasToken: boolean;
  /** Sent with every notification of this call, made once; none on a one-stream connection, where it routes nothing. */
  readonly #options: { relatedRequestId: string | number } | undefined;

  constructor(session: CallSession, extra: Extra) {
    const token = extra._meta?.progressToken;
    super(token);
    this.session = session;
    this.extra = extra;
    this.#hasToken = token !== undefined;
    this.#options = session.pingBarrier?.oneStream === true ? undefined : { relatedRequestId: extra.requestId };
  }

  /** Sends one update's progress; the promise settles once the transport took it and the client keeps up (backpressure). */
  update(value: unknown): Promise<void> | undefined {
    return this.#hasToken ? this.session.transport.sendUpdate(this.#message(this.next(value)), this.#options).catch(ignore) : undefined;
  }

  /** Sends a heartbeat's progress: the last message, a little further on. Best-effort: dropped while the client is behind. */
  beat(): void {
    if (this.#hasToken) this.session.transport.offer("heartbeats", this.#message(this.heartbeat()), this.#options)?.catch(ignore);
  }

  /**
   * Makes sure the client has read every progress notification before the answer:
   * the SDK client drops those that share a read with the response
   * (typescript-sdk#2580). A client answers a ping only after reading what came before it.
   */
  async barrier(): Promise<void> {
    if (this.count === 0 || this.extra.signal.aborted) return;
    const barrier = this.session.pingBarrier;
    if (barrier) return barrier.wait(barrier.oneStream ? undefined : this.extra.requestId);
    // A session without a barrier of its own (the helper's over Streamable HTTP): a ping per call.
    const timeout = this.session.runtime.options.pingBarrierTimeoutMs ?? 5_000;
    try {
      // On the call's own stream (relatedRequestId), behind its progress notifications.
      await this.session.server.request({ method: "ping" }, EmptyResultSchema, { timeout, relatedRequestId: this.extra.requestId });
    } catch {
      // A client that cannot answer pings still gets its answer.
    }
  }

  #message(params: ProgressParams): JSONRPCMessage {
    return { jsonrpc: "2.0", method: "notifications/progress", params: params as unknown as Record<string, unknown> };
  }
}
