import { recordInMetadata, recordOnClass } from "./metadata.js";
import type { ToolOptions } from "./toolOptions.js";

type AnyMethod = (...args: never[]) => unknown;

/** The decorator `@Tool` returns: usable under both decorator conventions. */
export interface ToolDecorator {
  /** TC39 standard decorators (TypeScript ≥ 5 default, esbuild, tsx). */
  (value: AnyMethod, context: ClassMethodDecoratorContext): void;
  /** `experimentalDecorators` (NestJS-style projects). */
  (target: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor): void;
}

/**
 * Marks a method as an MCP tool. It only records; the server reads and checks
 * all records at start-up (see `ToolDefinitionError`).
 *
 * @example
 * ```ts
 * class Tools extends McpcServer {
 *   @Tool({ description: "Add two numbers", input: z.object({ a: z.number(), b: z.number() }) })
 *   add({ a, b }: { a: number; b: number }) { return a + b; }
 *
 *   @Tool({ description: "Count to n", input: z.object({ n: z.number() }), background: true })
 *   async *count({ n }: { n: number }, task: TaskContext) { for (let i = 1; i <= n; i++) { await task.sleep(100); yield i; } return n; }
 * }
 * ```
 */
export function Tool(options: ToolOptions = {}): ToolDecorator {
  function decorate(target: unknown, contextOrKey: unknown): void {
    if (isStandardContext(contextOrKey)) {
      if (contextOrKey.kind !== "method" || contextOrKey.static || contextOrKey.private) {
        throw new TypeError(
          `@Tool decorates public instance methods only; "${String(contextOrKey.name)}" is a ${contextOrKey.static ? "static " : ""}${contextOrKey.private ? "private " : ""}${contextOrKey.kind}.`,
        );
      }
      const record = { methodName: contextOrKey.name, options };
      if (contextOrKey.metadata) {
        recordInMetadata(contextOrKey.metadata, record);
      } else {
        // Only when something removed Symbol.metadata after mcpc loaded: record on first construction.
        contextOrKey.addInitializer(function (this: unknown) {
          const ctor = (this as { constructor: object }).constructor;
          recordOnClass(ctor, record);
        });
      }
      return;
    }
    if (typeof target === "function") {
      throw new TypeError(`@Tool decorates instance methods only; "${String(contextOrKey)}" is static.`);
    }
    const ctor = (target as { constructor: object }).constructor;
    recordOnClass(ctor, { methodName: contextOrKey as string | symbol, options });
  }
  return decorate as ToolDecorator;
}

function isStandardContext(value: unknown): value is ClassMethodDecoratorContext & { kind: string } {
  return typeof value === "object" && value !== null && "kind" in value && "name" in value;
}
