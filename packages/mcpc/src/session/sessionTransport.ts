import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { InvalidInputError, type InputProblem } from "../protocol/envelope.js";
import { invalidParamsFromDump } from "../protocol/paramsIssues.js";
import { deferred, type Deferred } from "../util/deferred.js";
import { TransportDecorator } from "../util/transportDecorator.js";
import { BestEffortGate, type BestEffortKind, type DropCounts } from "./bestEffort.js";
import type { OutboundGauge } from "./outbound.js";

/** Best-effort messages (server events, heartbeats) one held call may queue; more are dropped and counted. */
export const MAX_HELD_BEST_EFFORT = 1_000;

/** Options of a {@link SessionTransport}. */
export interface SessionTransportOptions {
  /** Input that was answered with an error reply (logged by the session). */
  onBadInput?: (error: Error) => void;
  /** How full the way to the client is (see outbound.ts). Default: never congested. */
  outbound?: OutboundGauge;
  /** Best-effort messages were dropped and the client reads again: the session sends its notice. */
  onDropped?: (dropped: DropCounts) => void;
}

/** A message waiting for its call's answer; `settle` is the producer's backpressure. */
interface Queued {
  message: JSONRPCMessage;
  options: TransportSendOptions | undefined;
  settle?: (sent: Promise<void>) => void;
}

/** The events of one call held until its answer went out. */
interface Held {
  queue: Queued[];
  bestEffort: number;
  /** Made when a best-effort message is dropped here: the drop notice waits for the release. */
  released?: Deferred<void>;
}

/**
 * Wraps one SDK transport for one session. It does not re-implement anything:
 * messages pass through, and it adds what the SDK cannot do, once for every
 * transport:
 *
 * - **Answer first.** A background call's events are held until the answer to
 *   that call has been handed to the transport, because the SDK writes the
 *   answer a few microtasks after the handler returns and the task may emit
 *   sooner (docs/architecture.md, "Why the answer-first gate exists"). A producer of held task
 *   events waits for the release (backpressure), so nothing piles up here.
 * - **The outbound policy** (outbound.ts): task events and progress
 *   ({@link sendAfterAnswer}, {@link sendUpdate}) settle once the client keeps
 *   up; best-effort messages ({@link offer}) are dropped and counted while it
 *   does not, and `onDropped` hears the counts once it reads again.
 * - **Protocol hygiene.** Requests other than `initialize` and `ping` before
 *   `initialize`, and a second `initialize`, are refused (the session keeps
 *   its first negotiation). An error answer whose message is a zod issue dump
 *   (the SDK's params check) goes out as `-32602` naming the field. Unreadable
 *   input is answered with an error reply, with the request's id when the
 *   transport could read it ({@link InvalidInputError}).
 * - **Direct sends.** Events go to the inner transport without the SDK
 *   protocol layer's per-message work (the hot path).
 */
export class SessionTransport extends TransportDecorator {
  readonly #held = new Map<RequestId, Held>();
  readonly #onBadInput: ((error: Error) => void) | undefined;
  readonly #gauge: OutboundGauge | undefined;
  readonly #bestEffort: BestEffortGate;
  #initialize: "none" | "pending" | "done" = "none";
  #initializeId: RequestId | undefined;

  constructor(inner: Transport, options: SessionTransportOptions = {}) {
    super(inner);
    this.#onBadInput = options.onBadInput;
    this.#gauge = options.outbound;
    const onDropped = options.onDropped;
    this.#bestEffort = new BestEffortGate(options.outbound, (dropped) => onDropped?.(dropped));
  }

  /** True once the client's `initialize` was answered with a result. */
  get initialized(): boolean {
    return this.#initialize === "done";
  }

  protected override receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if ("method" in message && "id" in message) {
      const refusal = this.#refusal(message.method, message.id);
      if (refusal !== undefined) return this.#reply({ id: message.id, code: -32600, message: `Invalid Request: ${refusal}` });
    }
    super.receive(message, extra);
  }

  protected override handleError(error: Error): void {
    // Answered and logged here, once; the protocol layer would only log it again (as a multi-line dump).
    if (error instanceof InvalidInputError) return this.#badInput(error, error);
    if (error instanceof SyntaxError) {
      return this.#badInput(error, { id: null, code: -32700, message: `Parse error: ${error.message}. Send one JSON-RPC message per line.` });
    }
    if (error.name === "ZodError") {
      const problem = `Invalid Request: the input is JSON but not a JSON-RPC 2.0 message (${firstIssue(error)}).`;
      return this.#badInput(error, { id: null, code: -32600, message: problem });
    }
    this.onerror?.(error);
  }

  override send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (!("id" in message) || message.id === undefined || !("result" in message || "error" in message)) return this.inner.send(message, options);
    const id = message.id;
    if ("error" in message && message.error.code === -32603) {
      const params = invalidParamsFromDump(message.error.message);
      if (params) message = { ...message, error: params };
    }
    if (this.#initialize === "pending" && id === this.#initializeId) this.#initialize = "result" in message ? "done" : "none";
    const sent = this.inner.send(message, options);
    this.release(id);
    return sent;
  }

  /** Sends now, bypassing the protocol layer and the policy (answers the transport makes itself). */
  sendDirect(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.inner.send(message, options);
  }

  /**
   * Sends a message that must arrive (a progress update) now; the promise
   * settles once the transport took it and the client keeps up: a producer
   * that awaits it is paced by the client.
   */
  sendUpdate(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.#paced(this.inner.send(message, options));
  }

  /**
   * Sends a best-effort message (`kind`: a server event, a log line, a heartbeat),
   * after the answer to `afterRequestId` if given. While the client is not keeping
   * up, or the call's held queue is full ({@link MAX_HELD_BEST_EFFORT}), it is
   * dropped and counted instead: returns undefined then. Otherwise the send's
   * promise, which rejects like the transport's send.
   */
  offer(kind: BestEffortKind, message: JSONRPCMessage, options?: TransportSendOptions, afterRequestId?: RequestId): Promise<void> | undefined {
    if (!this.admit(kind)) return undefined;
    const held = afterRequestId === undefined ? undefined : this.#held.get(afterRequestId);
    if (!held) return this.inner.send(message, options);
    if (held.bestEffort >= MAX_HELD_BEST_EFFORT) {
      this.#bestEffort.drop(kind, (held.released ??= deferred<void>()).promise);
      return undefined;
    }
    held.bestEffort++;
    held.queue.push({ message, options });
    return Promise.resolve();
  }

  /**
   * True when a best-effort message of `kind` may go now; false while the client
   * is not keeping up, and then it counts as dropped. For a caller that would
   * rather not build a message that is going to be dropped.
   */
  admit(kind: BestEffortKind): boolean {
    return this.#bestEffort.admit(kind);
  }

  /** From now on, events for `requestId` wait until its answer went out (or {@link release}). */
  hold(requestId: RequestId): void {
    this.#held.set(requestId, { queue: [], bestEffort: 0 });
  }

  /**
   * Sends a task event of request `requestId`: now, or right after that request's answer.
   * The promise settles once it went out and the client keeps up (backpressure:
   * while the request is held, that is after the release). It never rejects.
   */
  sendAfterAnswer(requestId: RequestId, message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const held = this.#held.get(requestId);
    if (held) return new Promise((settle) => held.queue.push({ message, options, settle }));
    return this.#paced(this.inner.send(message, options).catch(this.#sendFailed));
  }

  /**
   * Lets the held events of `requestId` go, in order, and their producers on.
   * Returns true when the request was held (its answer had not gone out yet). Idempotent.
   */
  release(requestId: RequestId): boolean {
    const held = this.#held.get(requestId);
    if (!held) return false;
    this.#held.delete(requestId);
    for (const { message, options, settle } of held.queue) {
      const sent = this.inner.send(message, options).catch(this.#sendFailed);
      settle?.(this.#paced(sent));
    }
    held.released?.resolve();
    // The answer had not gone out yet: a cancel now means the client never learns of the task.
    return true;
  }

  /** `sent`, and then the client catching up if it is behind. */
  #paced(sent: Promise<void>): Promise<void> {
    const gauge = this.#gauge;
    if (gauge === undefined || !gauge.congested()) return sent;
    return Promise.all([sent, gauge.writable()]).then(nothing);
  }

  readonly #sendFailed = (error: unknown): void => {
    this.onerror?.(error instanceof Error ? error : new Error(String(error)));
  };

  /** Why a request must be refused before or after `initialize`; undefined when it may be served. */
  #refusal(method: string, id: RequestId): string | undefined {
    if (method === "initialize") {
      if (this.#initialize === "none") {
        this.#initialize = "pending";
        this.#initializeId = id;
        return undefined;
      }
      return this.#initialize === "done"
        ? 'this session is already initialized; a second "initialize" is refused and the session keeps its first negotiation. Open a new connection to negotiate again.'
        : 'an "initialize" is already being answered on this session; wait for its answer.';
    }
    if (this.#initialize === "none" && method !== "ping") {
      return `"${method}" before "initialize": send "initialize" first (and "notifications/initialized" after its answer).`;
    }
    return undefined;
  }

  #badInput(error: Error, problem: InputProblem): void {
    this.#reply(problem);
    this.#onBadInput?.(error);
  }

  #reply(problem: InputProblem): void {
    const reply = { jsonrpc: "2.0", id: problem.id, error: { code: problem.code, message: problem.message } };
    // A reply with `id: null` is JSON-RPC's answer to input without a readable id; the SDK type has no room for it.
    this.inner.send(reply as JSONRPCMessage).catch(nothing);
  }
}

function nothing(): void {}

function firstIssue(error: Error): string {
  const issues = (error as { issues?: Array<{ message?: string; path?: unknown[] }> }).issues;
  const first = issues?.[0];
  if (!first) return error.message;
  return first.path && first.path.length > 0 ? `${first.path.join(".")}: ${first.message ?? ""}` : (first.message ?? error.message);
}
