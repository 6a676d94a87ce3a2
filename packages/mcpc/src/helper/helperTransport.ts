import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { RESERVED_ARGUMENTS } from "../definitions/toolDefinitions.js";
import { isLegacyHandshakeTool, type LegacyTag } from "../protocol/legacy.js";
import type { CallSession } from "../call/callSession.js";
import { answerHandshake, readLegacyCall } from "../rungs/legacyDialect.js";
import { SessionTransport } from "../session/sessionTransport.js";
import { WireError } from "../call/wireError.js";

/**
 * The session transport of a plain SDK server with the helper attached. The
 * user's server owns `tools/call` and `tools/list`, so what MCPC adds to them
 * happens here, on the messages, before the SDK sees them: the handshake tools
 * are answered (never reaching the user's handlers), the call tags are taken
 * out of the arguments (so any schema accepts the call) and kept for
 * `startTask`, and `tools/list` answers lose every trace of MCPC.
 */
export class HelperTransport extends SessionTransport {
  readonly #session: CallSession;
  /** Call tags by request id, until `startTask` takes them or the call is answered. */
  readonly #tags = new Map<RequestId, LegacyTag>();
  /** Ids of `tools/list` requests whose answers must be cleaned. */
  readonly #lists = new Set<RequestId>();

  constructor(inner: Transport, session: CallSession, onClosed: () => void, onBadInput: (error: Error) => void) {
    super(inner, { onBadInput });
    this.#session = session;
    inner.onclose = () => {
      onClosed();
      this.onclose?.();
    };
  }

  /** The legacy tag of call `requestId`, once. */
  takeTag(requestId: RequestId): LegacyTag | undefined {
    const tag = this.#tags.get(requestId);
    this.#tags.delete(requestId);
    return tag;
  }

  override send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ("id" in message && message.id !== undefined && "result" in message) {
      this.#tags.delete(message.id);
      if (this.#lists.delete(message.id)) message = { ...message, result: hideMcpc(message.result) };
    }
    return super.send(message, options);
  }

  protected override receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if ("method" in message && "id" in message) {
      if (message.method === "tools/list") this.#lists.add(message.id);
      if (message.method === "tools/call" && this.#answered(message.id, message.params)) return;
    }
    super.receive(message, extra);
  }

  /** Handles what MCPC adds to a `tools/call`; true when it answered the call itself. */
  #answered(id: RequestId, params: Record<string, unknown> | undefined): boolean {
    if (params === undefined) return false;
    const args = isRecord(params.arguments) ? params.arguments : {};
    if (typeof params.name === "string" && isLegacyHandshakeTool(params.name)) {
      this.#reply({ jsonrpc: "2.0", id, result: answerHandshake(this.#session, params.name, args) });
      return true;
    }
    try {
      const read = readLegacyCall(this.#session, args);
      if (read.tag !== undefined || read.args !== args) {
        params.arguments = read.args;
        if (read.tag !== undefined) this.#tags.set(id, read.tag);
      }
      return false;
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      this.#reply({ jsonrpc: "2.0", id, error: { code: error.code, message: error.message } });
      return true;
    }
  }

  #reply(message: JSONRPCMessage): void {
    this.sendDirect(message).catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A `tools/list` result without the handshake tools, the tag arguments, or `$defs` only they used. */
function hideMcpc(result: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(result.tools)) return result;
  const tools = (result.tools as Array<Record<string, unknown>>)
    .filter((tool) => !(typeof tool.name === "string" && isLegacyHandshakeTool(tool.name)))
    .map((tool) => ({ ...tool, inputSchema: cleanSchema(tool.inputSchema) }));
  return { ...result, tools };
}

function cleanSchema(schema: unknown): unknown {
  if (!isRecord(schema) || !isRecord(schema.properties)) return schema;
  const properties = Object.fromEntries(Object.entries(schema.properties).filter(([key]) => !RESERVED_ARGUMENTS.has(key)));
  const clean: Record<string, unknown> = { ...schema, properties };
  if (Array.isArray(schema.required)) clean.required = schema.required.filter((key) => !RESERVED_ARGUMENTS.has(String(key)));
  if (isRecord(schema.$defs)) {
    // Keep only the definitions something left still refers to (a Python-style `mcpc_params` model has its own).
    const { $defs: _defs, ...rest } = clean;
    const used = JSON.stringify(rest);
    const defs = Object.fromEntries(Object.entries(schema.$defs).filter(([name]) => used.includes(`#/$defs/${name}"`)));
    if (Object.keys(defs).length > 0) clean.$defs = defs;
    else delete clean.$defs;
  }
  return clean;
}
