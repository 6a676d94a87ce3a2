import { UriTemplate, type Variables } from "@modelcontextprotocol/sdk/shared/uriTemplate.js";
import { McpcError } from "../errors.js";
import { ownResourceRecords, type ResourceRecord } from "../decorators/metadata.js";
import type { Completer } from "../decorators/resourceOptions.js";
import { collectRecords, snakeCase } from "./toolDefinitions.js";

/** A checked, ready-to-serve resource (static URI) or resource template. */
export interface ResourceDefinition {
  /** `static`: one `uri`; `template`: every URI `template` matches. */
  readonly kind: "static" | "template";
  readonly name: string;
  /** The URI (static) or the URI template as written (template). */
  readonly uri: string;
  /** The parsed template (templates only). */
  readonly template?: UriTemplate;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  /** Completers by template variable. */
  readonly complete: ReadonlyMap<string, Completer>;
  /** Where it came from, for error messages: `ClassName.methodName`. */
  readonly origin: string;
  /** Calls the method with the template's variables (`{}` for a static URI) and a context. */
  readonly read: (variables: Variables, context: unknown) => unknown;
}

/**
 * Reads the `@Resource` records of every instance and checks them all.
 * @throws McpcError `INVALID_RESOURCE_DEFINITION` or `DUPLICATE_RESOURCE`, naming the class and method.
 */
export function readResourceDefinitions(instances: readonly object[]): ResourceDefinition[] {
  const byUri = new Map<string, ResourceDefinition>();
  for (const instance of instances) {
    for (const [methodName, record] of collectRecords<ResourceRecord>(instance, ownResourceRecords)) {
      const definition = define(instance, methodName, record);
      const key = `${definition.kind} ${definition.uri}`;
      const existing = byUri.get(key);
      if (existing) {
        const what = definition.kind === "static" ? "URI" : "URI template";
        throw new McpcError(
          "DUPLICATE_RESOURCE",
          `Two resources have the ${what} "${definition.uri}": ${existing.origin} and ${definition.origin}. Give one of them another ${what}.`,
        );
      }
      byUri.set(key, definition);
    }
  }
  return [...byUri.values()];
}

function define(instance: object, methodName: string | symbol, record: ResourceRecord): ResourceDefinition {
  const origin = `${instance.constructor.name || "(anonymous class)"}.${String(methodName)}`;
  const fail = (problem: string): never => {
    throw new McpcError("INVALID_RESOURCE_DEFINITION", `@Resource on ${origin}: ${problem}`);
  };
  const options = record.options as unknown;
  if (typeof options !== "object" || options === null) fail('options must be an object, e.g. @Resource({ uri: "config://app" }).');
  const { uri, uriTemplate, name, title, description, mimeType, complete } = options as Record<string, unknown>;
  const method = (instance as Record<string | symbol, unknown>)[methodName];
  if (typeof method !== "function") fail("it is not a method.");
  const fn = method as (...args: unknown[]) => unknown;

  if ((uri === undefined) === (uriTemplate === undefined)) {
    fail('give exactly one of uri (a fixed URI, e.g. "config://app") and uriTemplate (e.g. "notes://{id}").');
  }
  for (const [field, value] of Object.entries({ name, title, description, mimeType })) {
    if (value !== undefined && typeof value !== "string") fail(`${field} must be a string.`);
  }
  if (typeof methodName === "symbol" && name === undefined) fail('a symbol-keyed method needs an explicit name: @Resource({ name: "...", ... }).');
  const common = {
    name: (name as string | undefined) ?? snakeCase(String(methodName)),
    ...(title !== undefined && { title: title as string }),
    ...(description !== undefined && { description: description as string }),
    ...(mimeType !== undefined && { mimeType: mimeType as string }),
    origin,
    read: (variables: Variables, context: unknown) => fn.call(instance, variables, context),
  };

  if (uri !== undefined) {
    if (typeof uri !== "string" || !URL.canParse(uri)) fail(`uri must be an absolute URI such as "config://app"; got ${JSON.stringify(uri)}.`);
    if (UriTemplate.isTemplate(uri as string)) fail(`uri "${String(uri)}" contains a template expression; use uriTemplate for it.`);
    if (complete !== undefined) fail("complete is for URI template variables; a static uri has none.");
    return { kind: "static", uri: uri as string, complete: new Map(), ...common };
  }

  if (typeof uriTemplate !== "string" || !UriTemplate.isTemplate(uriTemplate)) {
    fail(`uriTemplate must be an RFC 6570 URI template with at least one variable, e.g. "notes://{id}"; got ${JSON.stringify(uriTemplate)}.`);
  }
  let template: UriTemplate | undefined;
  try {
    template = new UriTemplate(uriTemplate as string);
  } catch (error) {
    fail(`uriTemplate "${String(uriTemplate)}" is not a valid URI template: ${(error as Error).message}.`);
  }
  const parsed = template as UriTemplate;
  const completers = readCompleters(complete, parsed.variableNames, "template variable", fail);
  return { kind: "template", uri: uriTemplate as string, template: parsed, complete: completers, ...common };
}

/** Checks a `complete` option against the names it may complete. */
export function readCompleters(complete: unknown, names: readonly string[], what: string, fail: (problem: string) => never): Map<string, Completer> {
  const completers = new Map<string, Completer>();
  if (complete === undefined) return completers;
  if (typeof complete !== "object" || complete === null) fail(`complete must be an object of functions by ${what}, e.g. complete: { id: (value) => [...] }.`);
  for (const [key, completer] of Object.entries(complete as Record<string, unknown>)) {
    if (!names.includes(key)) fail(`complete names "${key}", which is not a ${what} (${what}s: ${names.join(", ") || "none"}).`);
    if (typeof completer !== "function") fail(`complete.${key} must be a function (value) => string[].`);
    completers.set(key, completer as Completer);
  }
  return completers;
}
