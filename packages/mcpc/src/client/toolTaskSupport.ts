import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ListToolsResultSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";

/** What a tool declares about MCP tasks (`execution.taskSupport`; absent means `forbidden`). */
export type ToolTaskSupport = "required" | "optional" | "forbidden";

/**
 * Which of a server's tools take MCP tasks, read from `tools/list` the first
 * time a call needs to know, and again after `notifications/tools/list_changed`.
 *
 * The SDK client keeps the same facts, but privately and only for the last page
 * it listed; listing through `request()` (not `listTools()`) leaves the SDK's own
 * caches (output validators, its task-tool sets) as the user's listing made them.
 */
export class ToolTaskCatalog {
  readonly #sdk: Client;
  #tools: Promise<Map<string, ToolTaskSupport>> | undefined;

  constructor(sdk: Client) {
    this.#sdk = sdk;
  }

  /** The tool's task support; `forbidden` for a tool the server does not list. */
  async supportOf(name: string): Promise<ToolTaskSupport> {
    // One listing serves every call that starts while it runs.
    this.#tools ??= this.#list();
    const listing = this.#tools;
    try {
      return (await listing).get(name) ?? "forbidden";
    } catch (error) {
      // A failed listing is not remembered: the next call asks again.
      if (this.#tools === listing) this.#tools = undefined;
      throw error;
    }
  }

  /** Forgets the listing (the server's tools changed, or the connection did). */
  forget(): void {
    this.#tools = undefined;
  }

  async #list(): Promise<Map<string, ToolTaskSupport>> {
    const tools = new Map<string, ToolTaskSupport>();
    let cursor: string | undefined;
    do {
      const page = await this.#sdk.request({ method: "tools/list", params: cursor === undefined ? {} : { cursor } }, ListToolsResultSchema);
      for (const tool of page.tools) tools.set(tool.name, supportOf(tool));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  }
}

function supportOf(tool: Tool): ToolTaskSupport {
  const support = tool.execution?.taskSupport;
  return support === "required" || support === "optional" ? support : "forbidden";
}
