import { createRequire } from "node:module";
import type { ToolOptions } from "./toolOptions.js";
import type { ResourceOptions } from "./resourceOptions.js";
import type { PromptOptions } from "./promptOptions.js";

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

/** What `@Resource` records about one method. */
export interface ResourceRecord {
  readonly methodName: string | symbol;
  readonly options: ResourceOptions;
}

/** What `@Prompt` records about one method. */
export interface PromptRecord {
  readonly methodName: string | symbol;
  readonly options: PromptOptions;
}

/** Any decorator record: a method and its options. */
export interface MethodRecord {
  readonly methodName: string | symbol;
}

/** The kinds of record a class can hold, each under its own module-private key. */
export type RecordKind = "tool" | "resource" | "prompt";

const RECORD_KEYS: Readonly<Record<RecordKind, symbol>> = {
  tool: Symbol("mcpc.tools"),
  resource: Symbol("mcpc.resources"),
  prompt: Symbol("mcpc.prompts"),
};
const TOOL_RECORDS = RECORD_KEYS.tool;

// Node 20 has no Symbol.metadata. TypeScript's standard-decorator emit only
// passes `context.metadata` (and sets Class[Symbol.metadata]) when it exists, so
// define it here: this module is evaluated before any user class that imports
// `@Tool`, because ES modules evaluate their imports first. tsx and esbuild use
// the same registered symbol, so classes built by any of them agree.
const symbolWithMetadata = Symbol as unknown as { metadata?: symbol };
symbolWithMetadata.metadata ??= Symbol.for("Symbol.metadata");

/** Symbol.metadata, present after this module ran. */
export const METADATA_SYMBOL: symbol = symbolWithMetadata.metadata;

/** The two functions of `reflect-metadata` this module uses (typed here, so its global types are not needed). */
interface ReflectMetadata {
  defineMetadata(key: symbol, value: unknown, target: object): void;
  getOwnMetadata(key: symbol, target: object): unknown;
}
const reflect = Reflect as unknown as Partial<ReflectMetadata>;

/**
 * `reflect-metadata` is the record store of the experimentalDecorators path only,
 * so it is loaded on that path's first record, not at import: it is the largest
 * module a standard-decorator server would otherwise load at start-up.
 */
function ensureReflect(): ReflectMetadata {
  if (typeof reflect.defineMetadata === "function" && typeof reflect.getOwnMetadata === "function") return reflect as ReflectMetadata;
  try {
    createRequire(import.meta.url)("reflect-metadata");
  } catch {
    // Reported below, with the fix.
  }
  if (typeof reflect.defineMetadata !== "function" || typeof reflect.getOwnMetadata !== "function") {
    throw new Error(
      'mcpc needs "reflect-metadata" for experimentalDecorators. Install it (npm install reflect-metadata) and import "reflect-metadata" once before your tool classes.',
    );
  }
  return reflect as ReflectMetadata;
}

/** experimentalDecorators path: the class (constructor) is at hand. */
export function recordOnClass(ctor: object, record: ToolRecord): void {
  recordKindOnClass("tool", ctor, record);
}

/** Standard decorators path: the class is not built yet, only its metadata object is. */
export function recordInMetadata(metadata: DecoratorMetadataObject, record: ToolRecord): void {
  recordKindInMetadata("tool", metadata, record);
}

/** {@link recordOnClass} for any kind of record. */
export function recordKindOnClass(kind: RecordKind, ctor: object, record: MethodRecord): void {
  const store = ensureReflect();
  const key = RECORD_KEYS[kind];
  const own = (store.getOwnMetadata(key, ctor) as MethodRecord[] | undefined) ?? [];
  // Re-recording one method (an initializer run per construction) replaces, never duplicates.
  store.defineMetadata(key, [...own.filter((r) => r.methodName !== record.methodName), record], ctor);
}

/** {@link recordInMetadata} for any kind of record. */
export function recordKindInMetadata(kind: RecordKind, metadata: DecoratorMetadataObject, record: MethodRecord): void {
  const key = RECORD_KEYS[kind];
  const bag = metadata as Record<symbol, MethodRecord[] | undefined>;
  // The object inherits from the parent class's metadata: never push onto the parent's array.
  const own = Object.prototype.hasOwnProperty.call(bag, key) ? (bag[key] ?? []) : [];
  bag[key] = [...own, record];
}

/**
 * The records a class holds itself (not its parents), from either decorator
 * convention. The reader walks the prototype chain and lets a subclass override.
 */
export function ownToolRecords(ctor: object): ToolRecord[] {
  return ownRecords(TOOL_RECORDS, ctor) as ToolRecord[];
}

/** The `@Resource` records a class holds itself. */
export function ownResourceRecords(ctor: object): ResourceRecord[] {
  return ownRecords(RECORD_KEYS.resource, ctor) as ResourceRecord[];
}

/** The `@Prompt` records a class holds itself. */
export function ownPromptRecords(ctor: object): PromptRecord[] {
  return ownRecords(RECORD_KEYS.prompt, ctor) as PromptRecord[];
}

function ownRecords(key: symbol, ctor: object): MethodRecord[] {
  const fromReflect =
    typeof reflect.getOwnMetadata === "function" ? ((reflect.getOwnMetadata(key, ctor) as MethodRecord[] | undefined) ?? []) : [];
  const metadata = Object.prototype.hasOwnProperty.call(ctor, METADATA_SYMBOL)
    ? ((ctor as Record<symbol, unknown>)[METADATA_SYMBOL] as Record<symbol, MethodRecord[] | undefined> | undefined)
    : undefined;
  const fromMetadata = metadata && Object.prototype.hasOwnProperty.call(metadata, key) ? (metadata[key] ?? []) : [];
  return [...fromReflect, ...fromMetadata];
}

type AnyMethod = (...args: never[]) => unknown;

/** A method decorator usable under both decorator conventions. */
export interface McpcMethodDecorator {
  /** TC39 standard decorators (TypeScript ≥ 5 default, esbuild, tsx). */
  (value: AnyMethod, context: ClassMethodDecoratorContext): void;
  /** `experimentalDecorators` (NestJS-style projects). */
  (target: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor): void;
}

/**
 * Builds a decorator that records `{ methodName, options }` under `kind`, the
 * way `@Tool` does: only public instance methods, nothing else checked here.
 */
export function methodDecorator(decoratorName: string, kind: RecordKind, options: unknown): McpcMethodDecorator {
  function decorate(target: unknown, contextOrKey: unknown): void {
    if (isStandardContext(contextOrKey)) {
      if (contextOrKey.kind !== "method" || contextOrKey.static || contextOrKey.private) {
        throw new TypeError(
          `${decoratorName} decorates public instance methods only; "${String(contextOrKey.name)}" is a ${contextOrKey.static ? "static " : ""}${contextOrKey.private ? "private " : ""}${contextOrKey.kind}.`,
        );
      }
      const record = { methodName: contextOrKey.name, options };
      if (contextOrKey.metadata) {
        recordKindInMetadata(kind, contextOrKey.metadata, record);
      } else {
        contextOrKey.addInitializer(function (this: unknown) {
          recordKindOnClass(kind, (this as { constructor: object }).constructor, record);
        });
      }
      return;
    }
    if (typeof target === "function") {
      throw new TypeError(`${decoratorName} decorates instance methods only; "${String(contextOrKey)}" is static.`);
    }
    recordKindOnClass(kind, (target as { constructor: object }).constructor, { methodName: contextOrKey as string | symbol, options } as MethodRecord);
  }
  return decorate as McpcMethodDecorator;
}

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext & { kind: string } {
  return typeof value === "object" && value !== null && "kind" in value && "name" in value;
}
