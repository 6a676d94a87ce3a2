import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * The SDK's stdio read buffer (`ReadBuffer` in `@modelcontextprotocol/sdk/shared/stdio.js`)
 * with a cheaper check of each line's JSON-RPC envelope.
 *
 * The SDK parses every line with `JSONRPCMessageSchema.parse`: a zod union of
 * four strict object schemas, which rebuilds the message and, for anything but a
 * request, first fails (and builds the issues of) the schemas tried before the
 * one that matches. A `tools/call` line cost about 21 µs there in a profile of
 * 4,000 calls (`pnpm bench`'s K figure), a tenth of what the server spends on
 * a call, and the ping answers of the barrier pay the failing tries too.
 *
 * {@link readEnvelope} accepts by hand exactly the common shapes the schema
 * accepts (a request, a notification, a result), with the same rules: no key
 * but the schema's, `"jsonrpc": "2.0"`, a string or safe-integer id, an object
 * `params` or `result` whose `_meta` (when there) is an object with a string or
 * integer `progressToken` and no other key the schema checks. Anything else
 * (an error response, a related-task `_meta`, a message the schema refuses) goes
 * through `JSONRPCMessageSchema.parse` as before, so the SDK's errors, and the
 * replies `stdioTransport.ts` builds from them, are unchanged.
 *
 * The message handed on is the parsed JSON itself instead of zod's copy of it:
 * the same keys and values (the schema keeps unknown keys of `params`, `result`
 * and `_meta`), one object tree fewer per message.
 */

const REQUEST_KEYS = 4;
const RELATED_TASK = "io.modelcontextprotocol/related-task";

/** One line of JSON-RPC, parsed and checked (throws `SyntaxError` or zod's error as the SDK's `deserializeMessage` does). */
export function readEnvelope(line: string): JSONRPCMessage {
  const value: unknown = JSON.parse(line);
  if (isCommonMessage(value)) return value as JSONRPCMessage;
  return JSONRPCMessageSchema.parse(value);
}

function isCommonMessage(value: unknown): boolean {
  if (!isObject(value) || value.jsonrpc !== "2.0") return false;
  let keys = 1;
  if ("id" in value) {
    if (!isId(value.id)) return false;
    keys++;
  }
  if ("method" in value) {
    if (typeof value.method !== "string") return false;
    keys++;
    if ("params" in value) {
      if (!isMetaHolder(value.params)) return false;
      keys++;
    }
  } else {
    // A result response: an id and an object result, nothing else.
    if (keys !== 2 || !("result" in value) || !isMetaHolder(value.result)) return false;
    keys++;
  }
  // Strict, as the schema: a key it does not name (a typo, a second id) is its to report.
  return keys <= REQUEST_KEYS && Object.keys(value).length === keys;
}

/** `params` or `result`: an object whose `_meta`, when there, passes the schema's `RequestMetaSchema`. */
function isMetaHolder(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (!("_meta" in value) || value._meta === undefined) return true;
  const meta = value._meta;
  if (!isObject(meta) || RELATED_TASK in meta) return false;
  return !("progressToken" in meta) || meta.progressToken === undefined || isId(meta.progressToken);
}

function isId(value: unknown): boolean {
  // z.number().int() in zod 4 takes safe integers only.
  return typeof value === "string" || (typeof value === "number" && Number.isSafeInteger(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What `StdioServerTransport` calls on its read buffer (`_readBuffer`): whole
 * lines in, messages out, in order. The input (`LineInput`) hands over only
 * complete lines, so the bytes after the last newline are kept only when a
 * caller hands over a partial one.
 */
export class EnvelopeReadBuffer {
  #buffer: Buffer | undefined;

  append(chunk: Buffer): void {
    this.#buffer = this.#buffer && this.#buffer.length > 0 ? Buffer.concat([this.#buffer, chunk]) : chunk;
  }

  readMessage(): JSONRPCMessage | null {
    const buffer = this.#buffer;
    if (!buffer) return null;
    const index = buffer.indexOf(0x0a);
    if (index === -1) return null;
    let line = buffer.toString("utf8", 0, index);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    this.#buffer = index + 1 === buffer.length ? undefined : buffer.subarray(index + 1);
    return readEnvelope(line);
  }

  clear(): void {
    this.#buffer = undefined;
  }
}
