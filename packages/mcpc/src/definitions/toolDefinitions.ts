import { z } from "zod";
import { McpcError } from "../errors.js";
import { ownToolRecords, type MethodRecord, type ToolRecord } from "../decorators/metadata.js";
import type { ObjectSchema, ToolAnnotations } from "../decorators/toolOptions.js";

/** How a tool runs (docs/getting-started.md): `ordinary`, `streaming` (an `async *` method), or `background` (a task). */
export type ToolKind = "ordinary" | "streaming" | "background";

/** A checked, ready-to-serve tool: the one thing the runtime reads. */
export interface ToolDefinition {
  readonly name: string;
  readonly kind: ToolKind;
  readonly title?: string;
  readonly description?: string;
  readonly annotations?: ToolAnnotations;
  readonly input?: ObjectSchema;
  readonly output?: ObjectSchema;
  /** JSON Schema of the arguments, computed once at start-up. */
  readonly inputJsonSchema: Record<string, unknown>;
  readonly outputJsonSchema?: Record<string, unknown>;
  /** A background tool's MCP task support (`ToolOptions.taskSupport`); absent for other tools. */
  readonly taskSupport?: "optional" | "required";
  /** What a background tool's task accepts as messages (`ToolOptions.accepts`). */
  readonly accepts?: z.ZodType;
  /** A background tool's own job-handle threshold (`ToolOptions.handleAfterMs`); absent: the server's. */
  readonly handleAfterMs?: number | false;
  /** Where it came from, for error messages: `ClassName.methodName`. */
  readonly origin: string;
  /** Calls the method on its instance. */
  readonly invoke: (args: unknown, context: unknown) => unknown;
}

/** Tool names the Python mcpc handshake uses; a tool may not take them. */
export const RESERVED_TOOL_NAMES: ReadonlySet<string> = new Set(["is_mcpc_enabled", "_is_mcpc_enabled", "_mcpc_init"]);

/** Argument names the MCPC call tags use; a schema may not declare them. */
export const RESERVED_ARGUMENTS: ReadonlySet<string> = new Set(["_metadata", "mcpc_params"]);

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** `processData` → `process_data`, `getHTTPStatus` → `get_http_status`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[\s-]+/g, "_")
    .toLowerCase();
}

/**
 * Reads the `@Tool` records of every instance (walking each class's prototype
 * chain, a subclass overriding its parent's method) and checks them all.
 * @throws McpcError `INVALID_TOOL_DEFINITION` or `DUPLICATE_TOOL`, naming the class and method.
 */
export function readToolDefinitions(instances: readonly object[]): ToolDefinition[] {
  const byName = new Map<string, ToolDefinition>();
  for (const instance of instances) {
    for (const [methodName, record] of collectRecords<ToolRecord>(instance, ownToolRecords)) {
      const definition = define(instance, methodName, record);
      const existing = byName.get(definition.name);
      if (existing) {
        throw new McpcError(
          "DUPLICATE_TOOL",
          `Two tools are named "${definition.name}": ${existing.origin} and ${definition.origin}. Give one of them another name with @Tool({ name: "..." }).`,
        );
      }
      byName.set(definition.name, definition);
    }
  }
  return [...byName.values()];
}

/**
 * The records of one kind an instance's class chain holds, a subclass's record
 * replacing its parent's for the same method.
 */
export function collectRecords<R extends MethodRecord>(instance: object, own: (ctor: object) => R[]): Map<string | symbol, R> {
  const chain: object[] = [];
  for (let ctor = instance.constructor; typeof ctor === "function" && ctor !== Object; ctor = Object.getPrototypeOf(ctor)) {
    chain.unshift(ctor);
  }
  const records = new Map<string | symbol, R>();
  for (const ctor of chain) {
    for (const record of own(ctor)) records.set(record.methodName, record);
  }
  return records;
}

function define(instance: object, methodName: string | symbol, record: ToolRecord): ToolDefinition {
  const className = instance.constructor.name || "(anonymous class)";
  const origin = `${className}.${String(methodName)}`;
  const fail = (problem: string): never => {
    throw new McpcError("INVALID_TOOL_DEFINITION", `@Tool on ${origin}: ${problem}`);
  };
  const { options } = record;
  if (typeof options !== "object" || options === null) fail("options must be an object, e.g. @Tool({ description: \"...\" }).");
  const method = (instance as Record<string | symbol, unknown>)[methodName];
  if (typeof method !== "function") fail("it is not a method.");
  const fn = method as (...args: unknown[]) => unknown;

  if (typeof methodName === "symbol" && options.name === undefined) fail("a symbol-keyed method needs an explicit name: @Tool({ name: \"...\" }).");
  const name = options.name ?? snakeCase(String(methodName));
  if (!TOOL_NAME.test(name)) fail(`the name "${name}" is not a valid MCP tool name (1–128 characters of A–Z, a–z, 0–9, "_", "-", ".").`);
  if (RESERVED_TOOL_NAMES.has(name)) fail(`the name "${name}" is reserved for the MCPC handshake; choose another.`);

  const tag = Object.prototype.toString.call(fn);
  const isAsyncGenerator = tag === "[object AsyncGeneratorFunction]";
  if (tag === "[object GeneratorFunction]") fail("it is a synchronous generator (function*); write it as async *" + String(methodName) + "(...).");
  if (options.background === true && !isAsyncGenerator) {
    fail(
      "background tools must be async generator methods (async *name(args, task) { yield ...; return ... }). " +
        "If it is one, your build lowers async generators: compile to ES2018 or later.",
    );
  }
  if (options.background !== undefined && typeof options.background !== "boolean") fail("background must be true or false.");
  if (options.taskSupport !== undefined) {
    if (options.taskSupport !== "optional" && options.taskSupport !== "required") fail(`taskSupport must be "optional" or "required"; got ${JSON.stringify(options.taskSupport)}.`);
    if (options.background !== true) fail("taskSupport is for background tools only: add background: true, or remove taskSupport.");
  }
  if (options.handleAfterMs !== undefined) {
    if (options.background !== true) fail("handleAfterMs is for background tools only: add background: true, or remove handleAfterMs.");
    const ms = options.handleAfterMs;
    if (ms !== false && (typeof ms !== "number" || !Number.isSafeInteger(ms) || ms <= 0)) {
      fail(`handleAfterMs must be a positive whole number of milliseconds, or false for calls that wait for the end; got ${String(ms)}.`);
    }
    if (options.output !== undefined && ms !== false) fail("handleAfterMs cannot be set on a tool with an output schema: a handle is not the structured result the schema promises.");
  }
  if (options.accepts !== undefined) {
    if (options.background !== true) fail("accepts is for background tools only (a task reads its messages while it runs): add background: true, or remove accepts.");
    const zod = (options.accepts as { _zod?: unknown } | null)?._zod;
    if (!zod) fail("accepts must be a zod 4 schema of the messages the task takes, e.g. accepts: z.object({ focus: z.string() }) or z.string().");
  }
  const input = checkObjectSchema(options.input, "input", fail);
  const output = checkObjectSchema(options.output, "output", fail);
  if (input) {
    for (const key of Object.keys(input.shape)) {
      if (RESERVED_ARGUMENTS.has(key)) fail(`the argument name "${key}" is reserved for MCPC call tags; rename it.`);
    }
  }
  const kind: ToolKind = options.background ? "background" : isAsyncGenerator ? "streaming" : "ordinary";
  const inputJsonSchema = input ? toJsonSchema(input, "input", fail) : { type: "object", properties: {} };
  const outputJsonSchema = output ? toJsonSchema(output, "output", fail) : undefined;
  return {
    name,
    kind,
    ...(options.title !== undefined && { title: options.title }),
    ...(options.description !== undefined && { description: options.description }),
    ...(options.annotations !== undefined && { annotations: options.annotations }),
    ...(input && { input }),
    ...(output && { output }),
    inputJsonSchema,
    ...(outputJsonSchema && { outputJsonSchema }),
    ...(kind === "background" && { taskSupport: options.taskSupport ?? "optional" }),
    ...(options.handleAfterMs !== undefined && { handleAfterMs: options.handleAfterMs }),
    ...(options.accepts !== undefined && { accepts: options.accepts }),
    origin,
    invoke: (args, context) => fn.call(instance, args, context),
  };
}

/** Checks that `schema` is a zod 4 object schema (or absent), failing with a message naming `field`. */
export function checkObjectSchema(schema: unknown, field: string, fail: (problem: string) => never): ObjectSchema | undefined {
  if (schema === undefined) return undefined;
  const zod = (schema as { _zod?: { def?: { type?: unknown } } } | null)?._zod;
  if (!zod) {
    if (schema && typeof schema === "object" && "_def" in schema) {
      fail(`${field} is a zod 3 schema; mcpc takes zod 4 schemas (import { z } from "zod" with zod ≥ 4).`);
    }
    fail(`${field} must be a zod object schema, e.g. ${field}: z.object({ url: z.string() }).`);
  }
  if (zod?.def?.type !== "object") {
    fail(`${field} must be a zod object schema (tool arguments are a JSON object); got a ${String(zod?.def?.type)} schema. Wrap it: z.object({ value: ... }).`);
  }
  return schema as ObjectSchema;
}

/**
 * JSON Schema (2020-12, zod 4's own output) of a zod object schema. An input
 * schema keeps its `$schema` marker (2020-12 is MCP 2025-11-25's default
 * dialect); an output schema drops it, because the SDK client compiles
 * `outputSchema` with a default Ajv that does not know the 2020-12 meta-schema.
 */
export function toJsonSchema(schema: ObjectSchema, field: string, fail: (problem: string) => never): Record<string, unknown> {
  try {
    const json = z.toJSONSchema(schema, { io: field === "input" ? "input" : "output", unrepresentable: "any" }) as Record<string, unknown>;
    if (field !== "input") delete json.$schema;
    return json;
  } catch (error) {
    return fail(`${field} cannot be expressed as JSON Schema: ${(error as Error).message}`);
  }
}
