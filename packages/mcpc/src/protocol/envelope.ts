/**
 * What is wrong with a JSON-RPC message the SDK refused, and which id to answer it with.
 *
 * The SDK checks every incoming message against its JSON-RPC schema with zod and,
 * when that fails, reports a `ZodError` that no longer holds the input, so the
 * reply goes out with `id: null` and the request that carried a perfectly
 * readable id never gets its answer. Whoever still has the input (the stdio line
 * reader; an HTTP POST body) asks {@link diagnoseEnvelope} instead, and answers
 * with the request's own id and a message that names the field and the fix.
 *
 * Kept free of SDK types, like the rest of `protocol/`.
 */

/** A JSON-RPC request id. */
export type JsonRpcId = string | number;

/** An error reply for input that is not a message this server can serve. */
export interface InputProblem {
  /** The request's id when it has a usable one (and is a request, not a response); else `null`. */
  readonly id: JsonRpcId | null;
  /** JSON-RPC error code: `-32600` (Invalid Request) or `-32700` (Parse error). */
  readonly code: number;
  /** One sentence naming the field and the fix. */
  readonly message: string;
}

/**
 * Input a transport could not hand to the protocol layer, with the reply it
 * deserves. A transport wrapper reports it through `onerror`; the session
 * transport answers it (see `SessionTransport`).
 */
export class InvalidInputError extends Error implements InputProblem {
  readonly id: JsonRpcId | null;
  readonly code: number;

  constructor(problem: InputProblem) {
    super(problem.message);
    this.name = "InvalidInputError";
    this.id = problem.id;
    this.code = problem.code;
  }
}

/** One zod issue as the SDK reports it (only what is read here). */
export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

const INVALID_REQUEST = -32600;
const REQUEST_KEYS = new Set(["jsonrpc", "id", "method", "params"]);
const RESULT_KEYS = new Set(["jsonrpc", "id", "result"]);
const ERROR_KEYS = new Set(["jsonrpc", "id", "error"]);
const RELATED_TASK = "io.modelcontextprotocol/related-task";

/**
 * Says what is wrong with `value` (a parsed JSON line or body that the SDK's
 * JSON-RPC schema refused) and which id the reply carries: the request's id
 * when it is a string or an integer and the message is a request; `null` for
 * anything else (a response is never answered with its own id: ids of the two
 * directions are separate, and the client would take it for an answer).
 *
 * `issues` (the SDK's zod issues) only word the reply when none of the known
 * faults is found.
 *
 * @example
 * ```ts
 * diagnoseEnvelope({ jsonrpc: "2.0", id: 7, method: "tools/list", params: [] });
 * // { id: 7, code: -32600, message: 'Invalid Request: "params" must be an object (named parameters) or left out; got an array.' }
 * ```
 */
export function diagnoseEnvelope(value: unknown, issues: readonly IssueLike[] = []): InputProblem {
  if (!isRecord(value)) {
    const why = Array.isArray(value)
      ? "a batch (JSON array) is not accepted: send each message on its own"
      : `a message is one JSON object; got ${describe(value)}`;
    return problem(null, why);
  }
  const isResponse = !("method" in value) && ("result" in value || "error" in value);
  const id = readableId(value.id);
  // A number the SDK will not take as an id (1.5, 2^53 + 2) is still the sender's id: answered with it, as sent.
  const sentId = id ?? (typeof value.id === "number" && Number.isFinite(value.id) ? value.id : null);
  const replyId = isResponse ? null : sentId;
  if (value.jsonrpc !== "2.0") return problem(replyId, `"jsonrpc" must be "2.0"; got ${describe(value.jsonrpc)}`);
  if ("id" in value && id === null) return problem(replyId, `"id" must be a string or an integer; got ${describe(value.id)}`);
  if ("method" in value && typeof value.method !== "string") return problem(replyId, `"method" must be a string; got ${describe(value.method)}`);
  if (!("method" in value) && !isResponse) {
    return problem(null, 'the message has no "method" (a request or notification) and no "result" or "error" (a response)');
  }
  const allowed = isResponse ? ("result" in value ? RESULT_KEYS : ERROR_KEYS) : REQUEST_KEYS;
  const extra = Object.keys(value).find((key) => !allowed.has(key));
  if (extra !== undefined) {
    const members = [...allowed].map((key) => `"${key}"`).join(", ");
    return problem(replyId, `unknown member "${extra}": this message may only have ${members}; put extra data in "params._meta"`);
  }
  if (isResponse) return problem(null, responseFault(value) ?? issueText(issues));
  return problem(replyId, paramsFault(value) ?? issueText(issues));
}

/**
 * The id of a line too long to read, from its first and last few kilobytes:
 * the value of a top-level `"id"` member seen in `head` (a tolerant scan of
 * the JSON prefix), else one that ends the line (`…,"id":7}`: the SDK client
 * writes `id` last). `null` when neither shows one, or when `head` shows a
 * response (`"result"` / `"error"` at the top level).
 */
export function idFromEdges(head: string, tail: string): JsonRpcId | null {
  const scan = scanTopLevel(head);
  if (scan.response) return null;
  if (scan.id !== undefined) return scan.id;
  const end = /"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")\s*\}\s*$/.exec(tail);
  if (!end?.[1]) return null;
  try {
    return readableId(JSON.parse(end[1]) as unknown);
  } catch {
    return null;
  }
}

function problem(id: JsonRpcId | null, why: string): InputProblem {
  return { id, code: INVALID_REQUEST, message: `Invalid Request: ${why}.` };
}

function paramsFault(message: Record<string, unknown>): string | undefined {
  if (!("params" in message)) return undefined;
  const { params } = message;
  if (!isRecord(params)) return `"params" must be an object (named parameters) or left out; got ${describe(params)}`;
  if (!("_meta" in params)) return undefined;
  const meta = params._meta;
  if (!isRecord(meta)) return `"params._meta" must be an object; got ${describe(meta)}`;
  if ("progressToken" in meta && readableId(meta.progressToken) === null) {
    return `"params._meta.progressToken" must be a string or an integer; got ${describe(meta.progressToken)}`;
  }
  const related = meta[RELATED_TASK];
  if (related !== undefined && !(isRecord(related) && typeof related.taskId === "string")) {
    return `"params._meta[\\"${RELATED_TASK}\\"]" must be { "taskId": "<id>" }; got ${describe(related)}`;
  }
  return undefined;
}

function responseFault(message: Record<string, unknown>): string | undefined {
  if ("result" in message) return isRecord(message.result) ? undefined : `"result" must be an object; got ${describe(message.result)}`;
  const { error } = message;
  if (!isRecord(error)) return `"error" must be an object; got ${describe(error)}`;
  if (!Number.isInteger(error.code)) return `"error.code" must be an integer; got ${describe(error.code)}`;
  if (typeof error.message !== "string") return `"error.message" must be a string; got ${describe(error.message)}`;
  return undefined;
}

function issueText(issues: readonly IssueLike[]): string {
  const first = issues[0];
  if (!first) return "it does not match the JSON-RPC 2.0 message schema";
  const where = first.path.map(String).join(".");
  return `${where === "" ? "" : `"${where}": `}${first.message}`;
}

/** A string or an integer (the SDK's `RequestIdSchema`); else `null`. */
function readableId(value: unknown): JsonRpcId | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "undefined":
      return "nothing";
    case "object":
      return "an object";
    case "string":
      return value.length > 40 ? "a string" : JSON.stringify(value);
    case "number":
    case "boolean":
      return String(value);
    default:
      return `a ${typeof value}`;
  }
}

/**
 * Reads the top-level members of a JSON object's prefix without parsing it:
 * which keys it has so far and the value of `"id"` when it is a string or a
 * number. Stops quietly where the prefix ends or stops being JSON.
 */
function scanTopLevel(text: string): { id?: JsonRpcId; response: boolean } {
  const found: { id?: JsonRpcId; response: boolean } = { response: false };
  let at = skipSpace(text, 0);
  if (text[at] !== "{") return found;
  at++;
  for (;;) {
    at = skipSpace(text, at);
    const key = readString(text, at);
    if (!key) return found;
    at = skipSpace(text, key.end);
    if (text[at] !== ":") return found;
    at = skipSpace(text, at + 1);
    if (key.value === "result" || key.value === "error") found.response = true;
    const end = skipValue(text, at);
    if (end < 0) return found;
    if (key.value === "id") {
      try {
        const id = readableId(JSON.parse(text.slice(at, end)) as unknown);
        if (id !== null) found.id = id;
      } catch {
        // Not a scalar: no id.
      }
    }
    at = skipSpace(text, end);
    if (text[at] !== ",") return found;
    at++;
  }
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && " \t\r\n".includes(text[at] as string)) at++;
  return at;
}

/** A JSON string starting at `at`: its value and the index after it; undefined if there is none or it is cut off. */
function readString(text: string, at: number): { value: string; end: number } | undefined {
  if (text[at] !== '"') return undefined;
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === '"') {
      try {
        return { value: JSON.parse(text.slice(at, i + 1)) as string, end: i + 1 };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The index after the JSON value starting at `at`, or -1 if the prefix ends inside it. */
function skipValue(text: string, at: number): number {
  const first = text[at];
  if (first === '"') return readString(text, at)?.end ?? -1;
  if (first !== "{" && first !== "[") {
    const scalar = /^[^,}\]\s]+/.exec(text.slice(at, at + 64));
    return scalar && at + scalar[0].length < text.length ? at + scalar[0].length : -1;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const string = readString(text, i);
      if (!string) return -1;
      i = string.end - 1;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}
