/**
 * From a generated item to the bytes sent, and what those bytes promise: which
 * requests the server can read (and so must answer), which ids they cancel.
 * The analysis reads the bytes exactly as the server does (UTF-8 with
 * replacement, then `JSON.parse`), never the value they were made from.
 */
import { type Json, type SlotResolver, Rendered, isObject, resolve, serialize } from "./json.js";
import { defectsOf } from "./defects.js";
import { type FuzzItem, type FuzzMessage, type FuzzPost, type Mutation, applyMutation, frame, noiseBytes } from "./mutations.js";

/**
 * A request larger than this need not be answered: a server may refuse to read it
 * (with an `id: null` error), as long as it stays alive and reads the next one.
 * Well under the 10 MiB stdio line and 4 MiB HTTP body limits of today.
 */
export const READABLE_LIMIT_BYTES = 1024 * 1024;

/** A readable request of a sent message: its id, keyed by type and value (`5` and `"5"` differ). */
export interface ReadableRequest {
  key: string;
  method: string;
}

/** One line over stdio, or one HTTP body, and what it promises. */
export interface Sent {
  bytes: Buffer;
  /** Messages generated into it: a batch's elements, else 1 (whatever the mutations made of them). */
  messages: number;
  /** Requests the server can read: each must get exactly one answer with its id. */
  requests: ReadableRequest[];
  /** Messages the server cannot read as a request: each may get one `id: null` error. */
  unreadable: number;
  /** Keys of every string or number `id` it carries, request or not. */
  idKeys: string[];
  /** Keys of the requests it cancels (`notifications/cancelled`): those may go unanswered. */
  cancels: string[];
  /** What it was made from, for a failure report. */
  label: string;
}

/** How an id is keyed: by type and value, the way JSON-RPC compares ids. */
export function idKey(id: unknown): string | undefined {
  if (typeof id === "string") return `s:${id}`;
  if (typeof id === "number" && Number.isFinite(id)) return `n:${id}`;
  return undefined;
}

/** Hands out unique numbers and resolves slots: ids, fresh task ids, references to earlier requests and tasks. */
export class WireContext {
  #next = 1_000;
  #previous: string | number | undefined;
  readonly #tasks: string[] = [];
  readonly #answered: Array<string | number> = [];

  /** A new case: "the previous request" starts over. */
  startCase(): void {
    this.#previous = undefined;
  }

  /** Remembers an answered id (a later `notifications/cancelled` may name it). */
  answered(id: string | number): void {
    this.#answered.push(id);
    if (this.#answered.length > 64) this.#answered.shift();
  }

  next(): number {
    return this.#next++;
  }

  resolver(n: number): SlotResolver {
    return (slot) => {
      const kind = slot.kind;
      switch (kind.of) {
        case "id":
          return kind.as === "number" ? n : `s-${n}`;
        case "newTask": {
          const id = `task-${n}`;
          this.#tasks.push(id);
          if (this.#tasks.length > 64) this.#tasks.shift();
          return id;
        }
        case "taskRef":
          return (kind.recent ? this.#tasks[kind.pick % Math.max(1, this.#tasks.length)] : undefined) ?? `no-such-task-${kind.pick}`;
        case "taskUri": {
          const task = (kind.recent ? this.#tasks[kind.pick % Math.max(1, this.#tasks.length)] : undefined) ?? `no-such-task-${kind.pick}`;
          return `mcpc://tasks/${encodeURIComponent(task)}`;
        }
        case "requestRef":
          if (kind.which === "previous") return this.#previous ?? `never-sent-${n}`;
          if (kind.which === "answered") return this.#answered[kind.pick % Math.max(1, this.#answered.length)] ?? `never-sent-${n}`;
          return `never-sent-${n}`;
      }
    };
  }

  /** The resolved, mutated value of a message (before framing). */
  build(item: FuzzMessage): Json {
    const n = this.next();
    let value = resolve(item.message, this.resolver(n));
    for (const mutation of item.mutations) value = applyMutation(value, mutation, n);
    if (isObject(value) && (typeof value.id === "string" || typeof value.id === "number")) this.#previous = value.id;
    return value;
  }

  /** One stdio line (without its end). */
  line(item: FuzzItem): Sent {
    if ("noise" in item) return analyze(noiseBytes(item), "line", `noise ${item.noise}`);
    const bytes = frame(serialize(this.build(item)), item.framing);
    return analyze(bytes, "line", labelOf(item));
  }

  /** One HTTP body: a message, a batch of them, or noise. */
  body(post: FuzzPost): Sent {
    if ("noise" in post) return analyze(noiseBytes(post), "body", `noise ${post.noise}`);
    if ("batch" in post) {
      const text = `[${post.batch.map((item) => serialize(this.build(item))).join(",")}]`;
      // An element's own framing does not apply inside a batch: only the body's does.
      const elements = post.batch.map((item) => labelOf({ ...item, framing: { kind: "plain" } })).join("; ");
      const sent = analyze(frame(text, post.framing), "body", `batch of ${post.batch.length} [${elements}]${framingLabel(post.framing)}`);
      return { ...sent, messages: post.batch.length };
    }
    return analyze(frame(serialize(this.build(post)), post.framing), "body", labelOf(post));
  }
}

/**
 * What the server can read in `bytes`. A `line` is one message: a JSON array on a
 * line need not be served (MCP's stdio has no batches). A `body` may be a batch,
 * as the Streamable HTTP transport accepts them, and each of its requests is owed
 * an answer.
 */
export function analyze(bytes: Buffer, as: "line" | "body", label: string): Sent {
  const sent: Sent = { bytes, messages: 1, requests: [], unreadable: 0, idKeys: [], cancels: [], label };
  // A byte order mark stays (as in `Buffer.toString`): JSON.parse refuses it, and RFC 8259 lets a parser do so.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    sent.unreadable = 1;
    // A server may still dig the id out of broken JSON and answer with it: that id was sent, not invented.
    for (const match of text.matchAll(/"id"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|"(?:[^"\\]|\\.)*")/g)) {
      try {
        const key = idKey(JSON.parse(match[1] ?? "") as unknown);
        if (key !== undefined) sent.idKeys.push(key);
      } catch {
        // Not a whole value: nothing a server could answer with.
      }
    }
    return sent;
  }
  const elements: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  // MCP's stdio has no batches: a server may refuse an array on a line, but if it serves the elements, their ids were sent.
  const mustAnswer = as === "body" || !Array.isArray(value);
  if (elements.length === 0) sent.unreadable = 1;
  for (const element of elements) {
    const message = typeof element === "object" && element !== null && !Array.isArray(element) ? (element as Record<string, unknown>) : undefined;
    const key = message && Object.hasOwn(message, "id") ? idKey(message.id) : undefined;
    if (key !== undefined) sent.idKeys.push(key);
    const method = message?.method;
    if (message && typeof method === "string" && method === "notifications/cancelled") {
      const params = message.params as Record<string, unknown> | undefined;
      const target = typeof params === "object" && params !== null ? idKey(params.requestId) : undefined;
      if (target !== undefined) sent.cancels.push(target);
    }
    if (mustAnswer && key !== undefined && typeof method === "string" && bytes.length <= READABLE_LIMIT_BYTES) sent.requests.push({ key, method });
    else sent.unreadable++;
  }
  return sent;
}

/** A short name for a fuzzed message: its method and what was done to it. */
export function labelOf(item: FuzzMessage): string {
  const value = item.message as Record<string, unknown>;
  const params = value.params as Record<string, unknown> | undefined;
  const what = typeof value.method === "string" ? value.method + (typeof params?.name === "string" ? `(${params.name})` : "") : "response";
  const mutations = item.mutations.map(mutationLabel);
  return [what, ...mutations].join(" · ") + framingLabel(item.framing);
}

function mutationLabel(mutation: Mutation): string {
  switch (mutation.op) {
    case "drop":
    case "wrap":
      return `${mutation.op}#${mutation.at}${"as" in mutation ? ` as ${mutation.as}` : ""}`;
    case "replace":
    case "add":
      return `${mutation.op}#${mutation.at}${"key" in mutation ? ` ${JSON.stringify(mutation.key)}` : ""}=${valueLabel(mutation.value)}`;
    case "id":
      return "readable" in mutation ? `id ${mutation.readable}` : `id=${valueLabel(mutation.value)}`;
    case "jsonrpc":
    case "method":
      return `${mutation.op}=${valueLabel(mutation.value)}`;
  }
}

function valueLabel(value: Json | undefined): string {
  if (value === undefined) return "(removed)";
  if (value instanceof Rendered) return `<${value.label}>`;
  const text = JSON.stringify(value) ?? "?";
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function framingLabel(framing: FuzzMessage["framing"]): string {
  return framing.kind === "plain" ? "" : ` [${Object.values(framing).join(" ")}]`;
}

/** A sent message for a failure report: how it was made, what is wrong with it, and the start of its text. */
export function excerpt(sent: Sent, max = 400): string {
  const text = new TextDecoder().decode(sent.bytes.length > max * 4 ? sent.bytes.subarray(0, max * 4) : sent.bytes);
  const shown = text.length > max ? `${text.slice(0, max)}… (${sent.bytes.length} bytes)` : text;
  const wrong = defectsOf(sent.bytes);
  return `${sent.label}\n      defects: ${wrong.length > 0 ? wrong.join("; ") : "none (a valid message)"}\n      ${JSON.stringify(shown)}`;
}
