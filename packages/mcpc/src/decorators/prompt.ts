import { methodDecorator, type McpcMethodDecorator } from "./metadata.js";
import type { PromptOptions } from "./promptOptions.js";

/** The decorator `@Prompt` returns: usable under both decorator conventions. */
export type PromptDecorator = McpcMethodDecorator;

/**
 * Marks a method as an MCP prompt (`prompts/list`, `prompts/get`). The method
 * receives the parsed arguments and returns a string (one user message) or
 * `{ messages: [...] }`. It only records; the server checks it at start-up.
 *
 * @example
 * ```ts
 * class Prompts extends McpcServer {
 *   @Prompt({
 *     description: "Review a file",
 *     args: z.object({ path: z.string().describe("The file to review") }),
 *     complete: { path: (value) => ["src/index.ts", "src/server.ts"].filter((p) => p.startsWith(value)) },
 *   })
 *   review({ path }: { path: string }) { return `Please review ${path}.`; }
 * }
 * ```
 */
export function Prompt(options: PromptOptions): PromptDecorator {
  return methodDecorator("@Prompt", "prompt", options);
}
