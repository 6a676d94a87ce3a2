/**
 * The one check of what leaves the engine: a task's updates, its return value
 * and its server events travel as JSON, so a value JSON cannot carry must be
 * caught here, where the task can still end `failed` with a message that says
 * which value and why, instead of failing later inside a transport's send (where
 * the event, a terminal one included, would be lost).
 *
 * Strings, numbers, booleans and null need no check. Objects are serialised
 * once: that is the only way to know (a getter, a `toJSON`, a cycle anywhere),
 * and it also gives the record's size for the per-owner byte cap.
 */

import { errorMessage } from "../util/describe.js";

/** Estimated size of a value without a serialisation (strings, numbers, ...). */
const SMALL = 8;

/**
 * The size in characters of `value` as JSON (estimated for primitives), or a
 * string saying why it cannot be sent as JSON. `undefined` counts as `null`.
 */
export function checkJson(value: unknown): number | string {
  switch (typeof value) {
    case "string":
      return value.length + 2;
    case "number":
    case "boolean":
    case "undefined":
      return SMALL;
    case "bigint":
      return "it is a BigInt (JSON has no BigInt: convert it with String() or Number())";
    case "function":
      return "it is a function";
    case "symbol":
      return "it is a Symbol";
  }
  if (value === null) return SMALL;
  const flat = flatSize(value as object);
  if (flat !== undefined) return flat;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return explain(error);
  }
  if (json === undefined) return "its toJSON() returned nothing JSON can carry (undefined, a function or a Symbol)";
  return json.length;
}

function explain(error: unknown): string {
  // What a user's toJSON threw is as untrusted as the value itself.
  const message = errorMessage(error);
  if (error instanceof RangeError) return "it is nested too deeply to serialise";
  if (/circular/i.test(message)) return "it contains a circular reference";
  if (/bigint/i.test(message)) return "it contains a BigInt (JSON has no BigInt: convert it with String() or Number())";
  return `it threw while being serialised (in a toJSON() or a getter): ${message.split("\n")[0] ?? ""}`;
}

/**
 * The size of a plain object whose members are all strings, finite numbers,
 * booleans or null (a progress update, most results), found without serialising
 * it; undefined for anything else (nested values, a prototype, a `toJSON`), which
 * `JSON.stringify` then checks. Serialising every update to check it doubled the
 * garbage per event, and the young generation (and RSS) grew with it.
 */
function flatSize(value: object): number | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let size = 2;
  try {
    for (const key in value) {
      const member: unknown = (value as Record<string, unknown>)[key];
      if (typeof member === "string") size += key.length + member.length + 6;
      else if (typeof member === "boolean" || member === null || (typeof member === "number" && Number.isFinite(member))) size += key.length + 12;
      else if (member !== undefined) return undefined;
    }
  } catch {
    // A getter that throws: JSON.stringify meets it too, and says so.
    return undefined;
  }
  return size;
}
