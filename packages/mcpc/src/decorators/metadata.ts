import "reflect-metadata";
import type { ToolOptions } from "./toolOptions.js";

/**
 * Where decorator records live. Decorators only write here; `definitions/` is
 * the one reader. Records sit on the class itself, never in a global registry.
 */

/** What `@Tool` records about one method. */
export interface ToolRecord {
  /** The decorated method's property key. */
  readonly methodName: string | symbol;
  readonly options: ToolOptions;
}

const TOOL_RECORDS: unique symbol = Symbol("mcpc.tools");

// Node 20 has no Symbol.metadata. TypeScript's standard-decorator emit only
// passes `context.metadata` (and sets Class[Symbol.metadata]) when it exists, so
// define it here: this module is evaluated before any user class that imports
// `@Tool`, because ES modules evaluate their imports first. tsx and esbuild use
// the same registered symbol, so classes built by any of them agree.
const symbolWithMetadata = Symbol as unknown as { metadata?: symbol };
symbolWithMetadata.metadata ??= Symbol.for("Symbol.metadata");

/** Symbol.metadata, present after this module ran. */
export const METADATA_SYMBOL: symbol = symbolWithMetadata.metadata;

function assertReflect(): void {
  if (typeof Reflect.defineMetadata !== "function") {
    throw new Error(
      'mcpc needs "reflect-metadata" for experimentalDecorators. Install it (npm install reflect-metadata) and import "reflect-metadata" once before your tool classes.',
    );
  }
}

/** experimentalDecorators path: the class (constructor) is at hand. */
export function recordOnClass(ctor: object, record: ToolRecord): void {
  assertReflect();
  const own = (Reflect.getOwnMetadata(TOOL_RECORDS, ctor) as ToolRecord[] | undefined) ?? [];
  // Re-recording one method (an initializer run per construction) replaces, never duplicates.
  Reflect.defineMetadata(TOOL_RECORDS, [...own.filter((r) => r.methodName !== record.methodName), record], ctor);
}

/** Standard decorators path: the class is not built yet, only its metadata object is. */
export function recordInMetadata(metadata: DecoratorMetadataObject, record: ToolRecord): void {
  const bag = metadata as Record<symbol, ToolRecord[] | undefined>;
  // The object inherits from the parent class's metadata: never push onto the parent's array.
  const own = Object.prototype.hasOwnProperty.call(bag, TOOL_RECORDS) ? (bag[TOOL_RECORDS] ?? []) : [];
  bag[TOOL_RECORDS] = [...own, record];
}

/**
 * The records a class holds itself (not its parents), from either decorator
 * convention. The reader walks the prototype chain and lets a subclass override.
 */
export function ownToolRecords(ctor: object): ToolRecord[] {
  const fromReflect =
    typeof Reflect.getOwnMetadata === "function"
      ? ((Reflect.getOwnMetadata(TOOL_RECORDS, ctor) as ToolRecord[] | undefined) ?? [])
      : [];
  const metadata = Object.prototype.hasOwnProperty.call(ctor, METADATA_SYMBOL)
    ? ((ctor as Record<symbol, unknown>)[METADATA_SYMBOL] as Record<symbol, ToolRecord[] | undefined> | undefined)
    : undefined;
  const fromMetadata =
    metadata && Object.prototype.hasOwnProperty.call(metadata, TOOL_RECORDS) ? (metadata[TOOL_RECORDS] ?? []) : [];
  return [...fromReflect, ...fromMetadata];
}
