import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { TransportDecorator } from "../util/transportDecorator.js";

/**
 * Wraps one SDK transport for one session. It does not re-implement anything:
 * messages pass through unchanged, and it adds two things the SDK cannot do:
 *
 * - **Answer first.** A background call's events are held until the answer to
 *   that call has been handed to the transport, because the SDK writes the
 *   answer a few microtasks after the handler returns and the task may emit
 *   sooner (SDK-NOTES: "Keeping `created` first").
 * - **Direct sends.** Events go to the inner transport without the SDK
 *   protocol layer's per-message work (the hot path).
 *
 * It also turns unreadable input into a JSON-RPC error reply instead of silence.
 */
export class SessionTransport extends TransportDecorator {
  /** Events waiting for the answer to the request they belong to. */
  readonly #held = new Map<RequestId, Array<[JSONRPCMessage, TransportSendOptions | undefined]>>();
  readonly #onBadInput: ((error: Error) => void) | undefined;

  constructor(inner: Transport, options: { onBadInput?: (error: Error) => void } = {}) {
    super(inner);
    this.#onBadInput = options.onBadInput;
  }

  protected override handleError(error: Error): void {
    if (isUnreadableInput(error)) this.#replyToUnreadable(error);
    this.onerror?.(error);
  }

  override send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const sent = this.inner.send(message, options);
    if ("id" in message && message.id !== undefined && ("result" in message || "error" in message)) this.release(message.id);
    return sent;
  }

  /** Sends now, bypassing the protocol layer (events and progress). */
  sendDirect(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.inner.send(message, options);
  }

  /** From now on, events for `requestId` wait until its answer went out (or {@link release}). */
  hold(requestId: RequestId): void {
    this.#held.set(requestId, []);
  }

  /**
   * Sends an event of request `requestId`: now, or right after that request's answer.
   * Returns the send's promise when it went out now (for backpressure); it never rejects.
   */
  sendAfterAnswer(requestId: RequestId, message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> | undefined {
    const queue = this.#held.get(requestId);
    if (queue) {
      queue.push([message, options]);
      return undefined;
    }
    return this.inner.send(message, options).catch((error: unknown) => this.onerror?.(asError(error)));
  }

  /** Lets the held events of `requestId` go, in order. Idempotent. */
  release(requestId: RequestId): void {
    const queue = this.#held.get(requestId);
    if (!queue) return;
    this.#held.delete(requestId);
    for (const [message, options] of queue) {
      this.inner.send(message, options).catch((error: unknown) => this.onerror?.(asError(error)));
    }
  }

  #replyToUnreadable(error: Error): void {
    const syntax = error instanceof SyntaxError;
    const reply: JSONRPCMessage = {
      jsonrpc: "2.0",
      id: null as unknown as RequestId,
      error: syntax
        ? { code: -32700, message: `Parse error: ${error.message}. Send one JSON-RPC message per line.` }
        : { code: -32600, message: `Invalid Request: the line is JSON but not a JSON-RPC 2.0 message (${firstIssue(error)}).` },
    };
    this.inner.send(reply).catch(() => undefined);
    this.#onBadInput?.(error);
  }
}

function isUnreadableInput(error: Error): boolean {
  return error instanceof SyntaxError || error.name === "ZodError" || error.constructor.name === "ZodError";
}

function firstIssue(error: Error): string {
  const issues = (error as { issues?: Array<{ message?: string; path?: unknown[] }> }).issues;
  const first = issues?.[0];
  if (!first) return error.message;
  return first.path && first.path.length > 0 ? `${first.path.join(".")}: ${first.message ?? ""}` : (first.message ?? error.message);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
