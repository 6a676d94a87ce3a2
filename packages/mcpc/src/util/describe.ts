import { inspect } from "node:util";

/**
 * Safe descriptions of values that come from outside our control: a tool's
 * thrown value, a client's malformed parameter. None of these functions throws,
 * and none recurses into the value without a bound: a value can be circular, a
 * 100,000-deep object, a Proxy, or have getters and `toJSON`/`toString` that throw.
 */

/** Longest description returned; longer ones are cut with a note of how much was left out. */
const MAX_CHARS = 8_192;

/** `inspect` options: bounded depth and length, no user code (getters, custom inspectors) run. */
const INSPECT = { depth: 2, maxArrayLength: 20, maxStringLength: 1_000, breakLength: Infinity, customInspect: false, getters: false } as const;

/**
 * The type of a value in a few words, for error messages about a client's input:
 * `a string ("abc")`, `a number (5)`, `an object`, `an array of 3`. Never the
 * whole value (it may be huge or deeply nested).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return value.length <= 60 ? `a string (${JSON.stringify(value)})` : `a string of ${value.length} characters`;
    case "number":
    case "boolean":
      return `a ${typeof value} (${String(value)})`;
    case "bigint":
      return "a BigInt";
    case "function":
      return "a function";
    case "symbol":
      return "a Symbol";
    default:
      return Array.isArray(value) ? `an array of ${value.length}` : "an object";
  }
}

/**
 * The message of any thrown value, for `failed` events and `isError` results:
 * an `Error`'s message (its name if empty), a thrown string as is, the JSON of
 * plain data, and a bounded inspection of anything else (a circular object reads
 * `<ref *1> { self: [Circular *1] }`, not `[object Object]`). Cut at 8 KiB.
 */
export function errorMessage(error: unknown): string {
  return clip(messageOf(error));
}

/**
 * Any value as text for a log line, safely: the same rules as {@link errorMessage}
 * (plain data as JSON, anything else inspected within bounds), never a throw.
 */
export const textOf: (value: unknown) => string = errorMessage;

function messageOf(error: unknown): string {
  if (typeof error === "string") return error;
  if (isError(error)) {
    const message = attempt(() => (error as Error).message);
    if (typeof message === "string" && message.length > 0) return message;
    const name = attempt(() => (error as Error).name);
    return typeof name === "string" && name.length > 0 ? name : "Error";
  }
  if (typeof error !== "object" || error === null) return attempt(() => String(error)) ?? describeValue(error);
  const json = attempt(() => JSON.stringify(error));
  if (typeof json === "string" && json !== "{}") return json;
  return attempt(() => inspect(error, INSPECT)) ?? `a thrown ${describeValue(error).replace(/^an? /, "")} that cannot be described`;
}

/** `instanceof` reads the prototype chain, which a Proxy can make throw. */
function isError(value: unknown): boolean {
  return attempt(() => value instanceof Error) === true;
}

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return text.length <= MAX_CHARS ? text : `${text.slice(0, MAX_CHARS)}… (${text.length - MAX_CHARS} more characters)`;
}
