import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";

/**
 * A transport that wraps an SDK transport and passes everything through;
 * subclasses override {@link receive}, {@link send} or {@link handleError} to
 * look at messages on their way, never to re-implement the transport.
 */
export abstract class TransportDecorator implements Transport {
  protected readonly inner: Transport;

  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  constructor(inner: Transport) {
    this.inner = inner;
    inner.onmessage = (message, extra) => this.receive(message, extra);
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.handleError(error);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.inner.send(message, options);
  }

  /**
   * Ends the server-side session where the inner transport has one to end
   * (Streamable HTTP sends `DELETE`); resolves at once on other transports.
   */
  async terminateSession(): Promise<void> {
    const inner = this.inner as Transport & { terminateSession?: () => Promise<void> };
    if (typeof inner.terminateSession === "function" && inner.sessionId !== undefined) await inner.terminateSession();
  }

  /** A message from the other side; by default handed to the protocol layer. */
  protected receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    this.onmessage?.(message, extra);
  }

  /** An error of the inner transport; by default handed to the protocol layer. */
  protected handleError(error: Error): void {
    this.onerror?.(error);
  }
}
