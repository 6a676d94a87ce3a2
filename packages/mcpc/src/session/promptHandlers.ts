import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  type CompleteResult,
  type GetPromptResult,
  type Prompt as WirePrompt,
} from "@modelcontextprotocol/sdk/types.js";
import { errorMessage } from "../errors.js";
import type { Completer } from "../decorators/resourceOptions.js";
import type { PromptDefinition } from "../definitions/promptDefinitions.js";
import type { ResourceDefinition } from "../definitions/resourceDefinitions.js";
import type { PromptContext } from "../call/context.js";
import { unknownTemplate } from "./resourceHandlers.js";
import { WireError, invalidParams } from "../call/wireError.js";

/** The most values one `completion/complete` answer may carry (spec). */
const MAX_COMPLETIONS = 100;

/**
 * Registers `prompts/list` and `prompts/get`. Only called when the server has
 * prompts (the SDK refuses the handlers without the `prompts` capability).
 */
export function registerPromptHandlers(server: Server, sessionId: string, prompts: ReadonlyMap<string, PromptDefinition>): void {
  const listed: WirePrompt[] = [...prompts.values()].map((p) => ({
    name: p.name,
    ...(p.title !== undefined && { title: p.title }),
    ...(p.description !== undefined && { description: p.description }),
    arguments: p.arguments.map((a) => ({ ...a })),
  }));
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: listed }));
  server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
    const { name } = request.params;
    const prompt = prompts.get(name);
    if (!prompt) throw invalidParams(`Unknown prompt "${name}". This server's prompts are: ${[...prompts.keys()].join(", ") || "none"}.`);
    let args: unknown = request.params.arguments ?? {};
    if (prompt.args) {
      const parsed = prompt.args.safeParse(args);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(arguments)"}: ${issue.message}`);
        throw invalidParams(`Invalid arguments for prompt "${name}": ${problems.join("; ")}.`);
      }
      args = parsed.data;
    }
    const context: PromptContext = { signal: extra.signal, sessionId };
    let value: unknown;
    try {
      value = await prompt.invoke(args, context);
    } catch (error) {
      throw new WireError(ErrorCode.InternalError, `Prompt "${name}" failed: ${errorMessage(error)}`);
    }
    return toPromptResult(value, prompt);
  });
}

/** A prompt method's return value → `prompts/get` result. */
export function toPromptResult(value: unknown, prompt: Pick<PromptDefinition, "name" | "description">): GetPromptResult {
  const description = prompt.description !== undefined ? { description: prompt.description } : {};
  if (typeof value === "string") return { ...description, messages: [{ role: "user", content: { type: "text", text: value } }] };
  if (typeof value === "object" && value !== null && Array.isArray((value as { messages?: unknown }).messages)) {
    return { ...description, ...(value as GetPromptResult) };
  }
  throw new WireError(
    ErrorCode.InternalError,
    `Prompt "${prompt.name}" returned ${value === null ? "null" : typeof value}; a prompt method returns a string or { messages: [...] }.`,
  );
}

/**
 * Registers `completion/complete` for prompt arguments (`ref/prompt`) and
 * resource template variables (`ref/resource`). Only called when some prompt or
 * template has `complete` (the SDK refuses it without the `completions` capability).
 */
export function registerCompletionHandler(
  server: Server,
  prompts: ReadonlyMap<string, PromptDefinition>,
  templates: readonly ResourceDefinition[],
): void {
  server.setRequestHandler(CompleteRequestSchema, async (request): Promise<CompleteResult> => {
    const { ref, argument, context } = request.params;
    let completer: Completer | undefined;
    if (ref.type === "ref/prompt") {
      const prompt = prompts.get(ref.name);
      if (!prompt) throw invalidParams(`Unknown prompt "${ref.name}". This server's prompts are: ${[...prompts.keys()].join(", ") || "none"}.`);
      completer = prompt.complete.get(argument.name);
    } else {
      const template = templates.find((t) => t.uri === ref.uri);
      if (!template) throw unknownTemplate(ref.uri, templates);
      completer = template.complete.get(argument.name);
    }
    if (!completer) return { completion: { values: [], total: 0, hasMore: false } };
    let values: readonly string[];
    try {
      values = await completer(argument.value, { arguments: context?.arguments ?? {} });
    } catch (error) {
      throw new WireError(ErrorCode.InternalError, `Completing "${argument.name}" failed: ${errorMessage(error)}`);
    }
    return { completion: { values: values.slice(0, MAX_COMPLETIONS), total: values.length, hasMore: values.length > MAX_COMPLETIONS } };
  });
}
