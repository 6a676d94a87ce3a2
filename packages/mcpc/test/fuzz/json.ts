/**
 * The JSON the fuzzer builds messages from: plain JSON values plus two kinds of
 * node a plain value cannot be.
 *
 * - {@link Rendered}: JSON text made by hand. A 100,000-deep array would overflow
 *   our own recursive `JSON.stringify`, and an 11 MiB string would make
 *   fast-check's counterexample unreadable; both print as a short label.
 * - {@link Slot}: a placeholder resolved when the message is sent (its id, a fresh
 *   task id, an id of an earlier request), so that every request of a run has its
 *   own id while the generated value stays a pure, replayable description.
 */
import fc from "fast-check";

export type Json = null | boolean | number | string | Json[] | JsonObject | Rendered | Slot;
export interface JsonObject {
  [key: string]: Json;
}

/** Hand-made JSON text, built on first use (so an unsent 11 MiB value costs nothing). */
export class Rendered {
  #text: string | undefined;
  constructor(
    readonly label: string,
    readonly build: () => string,
  ) {}

  get text(): string {
    this.#text ??= this.build();
    return this.#text;
  }

  [fc.toStringMethod](): string {
    return `<${this.label}>`;
  }
}

/** What a {@link Slot} stands for. */
export type SlotKind =
  /** The request's own id, a number or a string. */
  | { of: "id"; as: "number" | "string" }
  /** A task id not used before in the run. */
  | { of: "newTask" }
  /** The id of a task an earlier message tagged, or one never used. */
  | { of: "taskRef"; recent: boolean; pick: number }
  /** Such a task's resource URI (`mcpc://tasks/<id>`, job handles). */
  | { of: "taskUri"; recent: boolean; pick: number }
  /** The id of the previous request of this case, of a request answered earlier, or of none. */
  | { of: "requestRef"; which: "previous" | "answered" | "unknown"; pick: number };

/** A placeholder, resolved at send time by a {@link SlotResolver}. */
export class Slot {
  constructor(readonly kind: SlotKind) {}

  [fc.toStringMethod](): string {
    return `<${Object.values(this.kind).join(":")}>`;
  }
}

export type SlotResolver = (slot: Slot) => Json;

/** A path to a node: object keys and array indices from the root. */
export type Path = ReadonlyArray<string | number>;

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Rendered) && !(value instanceof Slot);
}

/**
 * Sets an own, enumerable key, even `__proto__` (plain assignment would set the
 * prototype instead, and the key would never reach the wire).
 */
export function setKey(target: JsonObject, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A fresh copy with every slot resolved; {@link Rendered} nodes are shared (they never change). */
export function resolve(value: Json, slots: SlotResolver): Json {
  if (value instanceof Slot) return resolve(slots(value), slots);
  if (Array.isArray(value)) return value.map((item) => resolve(item, slots));
  if (isObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) setKey(copy, key, resolve(item, slots));
    return copy;
  }
  return value;
}

/** Every node reachable from the root (the root first), without looking into rendered text. */
export function paths(root: Json): Path[] {
  const found: Path[] = [];
  const visit = (value: Json, path: Path) => {
    found.push(path);
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    else if (isObject(value)) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(root, []);
  return found;
}

export function getAt(root: Json, path: Path): Json | undefined {
  let node: Json | undefined = root;
  for (const step of path) {
    if (Array.isArray(node) && typeof step === "number") node = node[step];
    else if (isObject(node) && typeof step === "string") node = Object.hasOwn(node, step) ? node[step] : undefined;
    else return undefined;
  }
  return node;
}

/** Returns the new root: `value` at `path`, or with that key or element removed when `value` is undefined. */
export function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === "number") {
    if (value === undefined) parent.splice(last, 1);
    else parent[last] = value;
  } else if (isObject(parent) && typeof last === "string") {
    if (value === undefined) delete parent[last];
    else setKey(parent, last, value);
  }
  return root;
}

/** JSON text of a resolved value. Non-finite numbers become `null`, as in `JSON.stringify`. */
export function serialize(value: Json): string {
  if (value instanceof Rendered) return value.text;
  if (value instanceof Slot) throw new Error("an unresolved slot cannot be sent");
  if (Array.isArray(value)) return `[${value.map(serialize).join(",")}]`;
  if (isObject(value)) return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${serialize(item)}`).join(",")}}`;
  return JSON.stringify(value);
}

/** `depth` nested arrays or objects around a string: `[[["x"]]]` or `{"a":{"a":"x"}}`. */
export function deep(depth: number, shape: "array" | "object"): Rendered {
  return new Rendered(`${shape} nested ${depth} deep`, () =>
    shape === "array" ? `${"[".repeat(depth)}"x"${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}"x"${"}".repeat(depth)}`,
  );
}

/** A string of `length` characters `char`. */
export function long(length: number, char = "x"): Rendered {
  return new Rendered(`string of ${length} × ${JSON.stringify(char)}`, () => JSON.stringify(char.repeat(length)));
}
