import { McpcError } from "../errors.js";
import { ownPromptRecords, type PromptRecord } from "../decorators/metadata.js";
import type { Completer } from "../decorators/resourceOptions.js";
import type { ObjectSchema } from "../decorators/toolOptions.js";
import { readCompleters } from "./resourceDefinitions.js";
import { checkObjectSchema, collectRecords, snakeCase } from "./toolDefinitions.js";

/** One argument as `prompts/list` lists it. */
export interface PromptArgumentDefinition {
  readonly name: string;
  readonly description?: string;
  readonly required: boolean;
}

/** A checked, ready-to-serve prompt. */
export interface PromptDefinition {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly args?: ObjectSchema;
  readonly arguments: readonly PromptArgumentDefinition[];
  /** Completers by argument name. */
  readonly complete: ReadonlyMap<string, Completer>;
  /** Where it came from, for error messages: `ClassName.methodName`. */
  readonly origin: string;
  /** Calls the method with the parsed arguments and a context. */
  readonly invoke: (args: unknown, context: unknown) => unknown;
}

const PROMPT_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Reads the `@Prompt` records of every instance and checks them all.
 * @throws McpcError `INVALID_PROMPT_DEFINITION` or `DUPLICATE_PROMPT`, naming the class and method.
 */
export function readPromptDefinitions(instances: readonly object[]): PromptDefinition[] {
  const byName = new Map<string, PromptDefinition>();
  for (const instance of instances) {
    for (const [methodName, record] of collectRecords<PromptRecord>(instance, ownPromptRecords)) {
      const definition = define(instance, methodName, record);
      const existing = byName.get(definition.name);
      if (existing) {
        throw new McpcError(
          "DUPLICATE_PROMPT",
          `Two prompts are named "${definition.name}": ${existing.origin} and ${definition.origin}. Give one of them another name with @Prompt({ name: "..." }).`,
        );
      }
      byName.set(definition.name, definition);
    }
  }
  return [...byName.values()];
}

function define(instance: object, methodName: string | symbol, record: PromptRecord): PromptDefinition {
  const origin = `${instance.constructor.name || "(anonymous class)"}.${String(methodName)}`;
  const fail = (problem: string): never => {
    throw new McpcError("INVALID_PROMPT_DEFINITION", `@Prompt on ${origin}: ${problem}`);
  };
  const options = record.options as unknown;
  if (typeof options !== "object" || options === null) fail('options must be an object, e.g. @Prompt({ description: "..." }).');
  const { name, title, description, args, complete } = options as Record<string, unknown>;
  const method = (instance as Record<string | symbol, unknown>)[methodName];
  if (typeof method !== "function") fail("it is not a method.");
  const fn = method as (...args: unknown[]) => unknown;
  for (const [field, value] of Object.entries({ name, title, description })) {
    if (value !== undefined && typeof value !== "string") fail(`${field} must be a string.`);
  }
  if (typeof methodName === "symbol" && name === undefined) fail('a symbol-keyed method needs an explicit name: @Prompt({ name: "..." }).');
  const promptName = (name as string | undefined) ?? snakeCase(String(methodName));
  if (!PROMPT_NAME.test(promptName)) fail(`the name "${promptName}" is not a valid prompt name (1–128 characters of A–Z, a–z, 0–9, "_", "-", ".").`);
  const schema = checkObjectSchema(args, "args", fail);
  const argumentList: PromptArgumentDefinition[] = schema
    ? Object.entries(schema.shape).map(([key, field]) => ({
        name: key,
        ...(field.description !== undefined && { description: field.description }),
        required: !field.safeParse(undefined).success,
      }))
    : [];
  const completers = readCompleters(complete, argumentList.map((a) => a.name), "prompt argument", fail);
  return {
    name: promptName,
    ...(title !== undefined && { title: title as string }),
    ...(description !== undefined && { description: description as string }),
    ...(schema && { args: schema }),
    arguments: argumentList,
    complete: completers,
    origin,
    invoke: (parsed, context) => fn.call(instance, parsed, context),
  };
}
