/**
 * Mutations of valid messages, as data fast-check can generate, shrink and print:
 * drop, replace or add keys at any depth, wrong types, a wrong `jsonrpc`, ids of
 * every JSON type, and broken framing (truncated JSON, garbage, bad UTF-8). A
 * mutation picks its node as `at` modulo the nodes the message has by then, so it
 * applies to any message and shrinks toward the root's first nodes.
 */
import fc from "fast-check";
import { type Json, type JsonObject, deep, getAt, isObject, long, paths, setAt, setKey } from "./json.js";
import { KNOWN_METHODS, validMessage } from "./validMessages.js";

/** A value of the wrong type, size or shape for wherever it lands. */
export const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 400, arbitrary: fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 5e-324) },
  { weight: 300, arbitrary: fc.constantFrom<Json>("", "null", "2.0", "[]", "{}", "\u0000", "\ud800", "\u2028\u2029", "🚀".repeat(3), "__proto__", "-32700") },
  { weight: 200, arbitrary: fc.integer() },
  { weight: 200, arbitrary: fc.string({ maxLength: 30, unit: "grapheme" }) },
  { weight: 300, arbitrary: fc.constantFrom<Json>([], {}, [null], { "": null }, [[[]]], { a: [{}] }) },
  { weight: 300, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 200, arbitrary: fc.record({ depth: fc.integer({ min: 2, max: 5_000 }), shape: fc.constantFrom("array" as const, "object" as const) }).map(({ depth, shape }) => deep(depth, shape)) },
  { weight: 100, arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map((length) => long(length)) },
  // Far past any sane limit, so rare (an 11 MiB string a few times per run): a 100,000-deep value (200 KB) and an 11 MiB string.
  { weight: 20, arbitrary: fc.constantFrom(deep(100_000, "array"), deep(100_000, "object")) },
  { weight: 1, arbitrary: fc.constant(long(11 * 1024 * 1024, "y")) },
);

/** Keys a mutation adds: the protocol's own (in the wrong place), JavaScript's, and noise. */
const key = fc.oneof(
  fc.constantFrom("id", "method", "params", "jsonrpc", "result", "error", "_meta", "progressToken", "mcpc/task", "task_id", "name", "arguments", "requestId"),
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "then", "toJSON", ""),
  fc.string({ maxLength: 12 }),
);

/** An id the server can read (a string or a number), made unique by the send counter `n`. */
export type ReadableIdKind = "negative" | "fraction" | "beyondSafe" | "numericString" | "unicode" | "longString" | "spaces";
const readableIdKinds: ReadableIdKind[] = ["negative", "fraction", "beyondSafe", "numericString", "unicode", "longString", "spaces"];

export function readableId(kind: ReadableIdKind, n: number): string | number {
  switch (kind) {
    case "negative":
      return -n;
    case "fraction":
      return n + 0.25;
    case "beyondSafe":
      // Doubles above 2^53 are 2 apart: an even offset is exactly representable.
      return 2 ** 53 + 2 * n;
    case "numericString":
      return String(n);
    case "unicode":
      return `ü-${n}-🚀-\u2028`;
    case "longString":
      return `${"L".repeat(10_000)}${n}`;
    case "spaces":
      return ` ${n} `;
  }
}

export type Mutation =
  | { op: "drop"; at: number }
  | { op: "replace"; at: number; value: Json }
  | { op: "add"; at: number; key: string; value: Json }
  | { op: "wrap"; at: number; as: "array" | "object" }
  | { op: "id"; readable: ReadableIdKind }
  | { op: "id"; value: Json | undefined }
  | { op: "jsonrpc"; value: Json | undefined }
  | { op: "method"; value: Json };

const at = fc.nat({ max: 40 });
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("replace" as const), at, value: weirdValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), at }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("add" as const), at, key, value: weirdValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("wrap" as const), at, as: fc.constantFrom("array" as const, "object" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("id" as const), readable: fc.constantFrom(...readableIdKinds) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("id" as const), value: fc.option(weirdValue, { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("jsonrpc" as const), value: fc.option(fc.constantFrom<Json>("1.0", "2", 2, 2.0, null, "", "2.0 ", "3.0"), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("method" as const), value: fc.oneof(fc.constantFrom<Json>(...KNOWN_METHODS), weirdValue) }) },
);

/** Applies one mutation to a resolved message; `n` makes readable ids unique. Returns the new root. */
export function applyMutation(root: Json, mutation: Mutation, n: number): Json {
  const all = paths(root);
  switch (mutation.op) {
    case "drop": {
      const candidates = all.filter((path) => path.length > 0);
      const path = candidates[mutation.at % Math.max(1, candidates.length)];
      return path === undefined ? root : setAt(root, path, undefined);
    }
    case "replace": {
      const path = all[mutation.at % all.length] ?? [];
      return setAt(root, path, copy(mutation.value));
    }
    case "add": {
      const objects = all.filter((path) => isObject(getAt(root, path)));
      const path = objects[mutation.at % Math.max(1, objects.length)];
      const target = path === undefined ? undefined : getAt(root, path);
      if (isObject(target)) setKey(target, mutation.key, copy(mutation.value));
      return root;
    }
    case "wrap": {
      const path = all[mutation.at % all.length] ?? [];
      const node = getAt(root, path) ?? null;
      const wrapped: Json = mutation.as === "array" ? [node] : { value: node };
      return setAt(root, path, wrapped);
    }
    case "id":
      if (!isObject(root)) return root;
      return setAt(root, ["id"], "readable" in mutation ? readableId(mutation.readable, n) : copy(mutation.value));
    case "jsonrpc":
      return isObject(root) ? setAt(root, ["jsonrpc"], copy(mutation.value)) : root;
    case "method":
      return isObject(root) ? setAt(root, ["method"], copy(mutation.value)) : root;
  }
}

/** A deep copy of a generated value, so that applying a mutation never changes fast-check's own. */
function copy<T extends Json | undefined>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => copy(item)) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, item] of Object.entries(value)) setKey(out, k, copy(item));
    return out as T;
  }
  return value;
}

/** How a message's text is put on the wire. */
export type Framing =
  | { kind: "plain" }
  | { kind: "truncated"; keepPerMille: number }
  | { kind: "prefixed"; prefix: string }
  | { kind: "padded"; crlf: boolean }
  | { kind: "badUtf8"; atPerMille: number }
  | { kind: "twice" };

export const framing: fc.Arbitrary<Framing> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ kind: "plain" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("truncated" as const), keepPerMille: fc.nat({ max: 999 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("prefixed" as const), prefix: fc.constantFrom("\ufeff", "x", ",", "]", "data: ", "\u0000") }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("padded" as const), crlf: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("badUtf8" as const), atPerMille: fc.nat({ max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("twice" as const) }) },
);

/** The bytes of a message's text under a framing (no line end: the transport adds its own). */
export function frame(text: string, how: Framing): Buffer {
  switch (how.kind) {
    case "plain":
      return Buffer.from(text);
    case "truncated": {
      const bytes = Buffer.from(text);
      return bytes.subarray(0, Math.floor((bytes.length * how.keepPerMille) / 1000));
    }
    case "prefixed":
      return Buffer.from(how.prefix + text);
    case "padded":
      return Buffer.from(`  \t${text}  ${how.crlf ? "\r" : ""}`);
    case "badUtf8": {
      const bytes = Buffer.from(text);
      const cut = Math.floor((bytes.length * how.atPerMille) / 1000);
      return Buffer.concat([bytes.subarray(0, cut), Buffer.from([0xff, 0xc3]), bytes.subarray(cut)]);
    }
    case "twice":
      return Buffer.from(text + text);
  }
}

/** Bytes that are no JSON-RPC message at all. */
export type Noise = { noise: "text"; text: string } | { noise: "bytes"; bytes: number[] } | { noise: "blank"; text: "" | " " | "\t\r" };

export const noise: fc.Arbitrary<Noise> = fc.oneof(
  fc.record({ noise: fc.constant("text" as const), text: fc.string({ maxLength: 60, unit: "grapheme" }).map((s) => s.replace(/\n/g, " ")) }),
  fc.record({ noise: fc.constant("bytes" as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a), { maxLength: 40 }) }),
  fc.record({ noise: fc.constant("blank" as const), text: fc.constantFrom("" as const, " " as const, "\t\r" as const) }),
);

export function noiseBytes(item: Noise): Buffer {
  return item.noise === "bytes" ? Buffer.from(item.bytes) : Buffer.from(item.text);
}

/** One fuzzed message: a valid one, its mutations (none for about one in four), and how it is framed. */
export interface FuzzMessage {
  message: Json;
  mutations: Mutation[];
  framing: Framing;
}

export const fuzzMessage: fc.Arbitrary<FuzzMessage> = fc.record({
  message: validMessage,
  mutations: fc.oneof({ weight: 1, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
  framing,
});

/** What one stdio line, or one element of an HTTP body, is made of. */
export type FuzzItem = FuzzMessage | Noise;

export const fuzzItem: fc.Arbitrary<FuzzItem> = fc.oneof({ weight: 15, arbitrary: fuzzMessage }, { weight: 1, arbitrary: noise });

/** One HTTP POST: a message, a batch of 2 to 6 (the Streamable HTTP transport takes batches), or noise. */
export type FuzzPost = FuzzMessage | { batch: FuzzMessage[]; framing: Framing } | Noise;

export const fuzzPost: fc.Arbitrary<FuzzPost> = fc.oneof(
  { weight: 14, arbitrary: fuzzMessage },
  { weight: 3, arbitrary: fc.record({ batch: fc.array(fuzzMessage, { minLength: 2, maxLength: 6 }), framing }) },
  { weight: 1, arbitrary: noise },
);
