import type { Readable, Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import type { TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import { InvalidInputError, diagnoseEnvelope, idFromEdges, type InputProblem, type IssueLike } from "../protocol/envelope.js";
import { TransportDecorator } from "../util/transportDecorator.js";
import { EnvelopeReadBuffer } from "./envelopeReader.js";
import type { LineInput, OversizedLine } from "./lineInput.js";

/** What a notification's send answers when the pipe took it: one settled promise for all. */
const SENT: Promise<void> = Promise.resolve();

/** How much of an unreadable line's start and end is searched for its id. */
const EDGE_CHARS = 4096;

/**
 * The SDK's `StdioServerTransport` reading through a {@link LineInput}: lines
 * over the limit are skipped and answered, and a line the SDK cannot read is
 * answered with its own request id. Unreadable input reaches the session
 * transport as an {@link InvalidInputError} carrying the reply; everything
 * else passes through unchanged.
 *
 * @example
 * ```ts
 * const transport = new StdioInputTransport(new LineInput(process.stdin, { maxLineBytes: 1 << 20 }), process.stdout);
 * await runtime.connect(transport, { transportKind: "stdio" });
 * ```
 */
export class StdioInputTransport extends TransportDecorator {
  readonly #input: LineInput;
  readonly #output: Writable;

  constructor(input: LineInput, output: Writable) {
    // The line limit is enforced by the input, one line at a time; the SDK's own bound is on
    // its whole buffer (any number of lines of one read), which would close the transport instead.
    const sdk = new StdioServerTransport(input as unknown as Readable, output, { maxBufferSize: Number.MAX_SAFE_INTEGER });
    installEnvelopeReader(sdk);
    super(sdk);
    this.#input = input;
    this.#output = output;
    input.onOversized = (line) => this.handleError(new InvalidInputError(oversized(line, input.maxLineBytes)));
  }

  /**
   * A notification (progress, a task event: thousands a second from a fast tool) is
   * written as the SDK's `send` writes it (`JSON.stringify` and a newline, then
   * `'drain'` when the pipe is full), without the promise and closure the SDK's `send`
   * makes for each: a settled one is shared. Requests and answers go through the SDK.
   */
  override send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ("id" in message) return super.send(message, options);
    if (this.#output.write(`${JSON.stringify(message)}\n`)) return SENT;
    return new Promise((resolve) => this.#output.once("drain", resolve));
  }

  protected override receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    this.#input.nextLine();
    super.receive(message, extra);
  }

  protected override handleError(error: Error): void {
    // Only the SDK's line errors consume a line: an error thrown by a message handler is not one.
    if (error instanceof SyntaxError || error.name === "ZodError") {
      const line = this.#input.takeLine();
      if (line !== undefined) return super.handleError(new InvalidInputError(unreadable(error, line)));
    }
    super.handleError(error);
  }
}

/**
 * Gives the SDK transport the cheaper envelope check (envelopeReader.ts). It
 * reads a private field of the SDK's: where a later SDK has no `_readBuffer`
 * with a `readMessage`, the SDK's own is kept (and `envelopeReader.test.ts`
 * fails, so the move is noticed). Returns whether it was installed.
 */
export function installEnvelopeReader(transport: StdioServerTransport): boolean {
  const fields = transport as unknown as { _readBuffer?: { readMessage?: unknown } };
  if (typeof fields._readBuffer?.readMessage !== "function") return false;
  fields._readBuffer = new EnvelopeReadBuffer() as unknown as typeof fields._readBuffer;
  return true;
}

/** The reply to a line the SDK could not read: its id when it has one (a second parse, of bad lines only). */
function unreadable(error: Error, line: string): InputProblem {
  if (error instanceof SyntaxError) {
    return {
      id: idFromEdges(line.slice(0, EDGE_CHARS), line.slice(-EDGE_CHARS)),
      code: -32700,
      message: `Parse error: ${error.message}. Send one JSON-RPC message per line.`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, code: -32600, message: `Invalid Request: ${error.message}` };
  }
  return diagnoseEnvelope(value, (error as Error & { issues?: IssueLike[] }).issues);
}

function oversized(line: OversizedLine, limit: number): InputProblem {
  return {
    id: idFromEdges(line.head, line.tail),
    code: -32600,
    message:
      `Invalid Request: the line is ${line.bytes} bytes, over this server's limit of ${limit} bytes per message (stdio option maxLineBytes); ` +
      "it was skipped. Send less in one message (large data belongs in a resource, or in several calls).",
  };
}
