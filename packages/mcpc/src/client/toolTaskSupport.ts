import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ListToolsResultSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";

/** What a tool declares about MCP tasks (`execution.taskSupport`; absent means `forbidden`). */
export type ToolTaskSupport = "required" | "optional" | "forbidden";

/** What one listing tells: each tool's task support, and the tool that sends a task a message, if one is listed. */
interface Listing {
  readonly support: Map<string, ToolTaskSupport>;
  readonly sendTool: string | undefined;
}

/**
 * Which of a server's tools take MCP tasks, and which one sends a running task a
 * message (an mcpc server's `task_send`), read from `tools/list` the first time
 * a call needs to know, and again after `notifications/tools/list_changed`.
 *
 * The SDK client keeps the same facts, but privately and only for the last page
 * it listed; listing through `request()` (not `listTools()`) leaves the SDK's own
 * caches (output validators, its task-tool sets) as the user's listing made them.
 */
export class ToolTaskCatalog {
  readonly #sdk: Client;
  #tools: Promise<Listing> | undefined;

  constructor(sdk: Client) {
    this.#sdk = sdk;
  }

  /** The tool's task support; `forbidden` for a tool the server does not list. */
  async supportOf(name: string): Promise<ToolTaskSupport> {
    return (await this.#listing()).support.get(name) ?? "forbidden";
  }

  /** The name of the listed tool that sends a running task a message (`{ taskId, message }`, named `…send`), if any. */
  async sendTool(): Promise<string | undefined> {
    return (await this.#listing()).sendTool;
  }

  async #listing(): Promise<Listing> {
    // One listing serves every call that starts while it runs.
    this.#tools ??= this.#list();
    const listing = this.#tools;
    try {
      return await listing;
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

  async #list(): Promise<Listing> {
    const support = new Map<string, ToolTaskSupport>();
    let sendTool: string | undefined;
    let cursor: string | undefined;
    do {
      const page = await this.#sdk.request({ method: "tools/list", params: cursor === undefined ? {} : { cursor } }, ListToolsResultSchema);
      for (const tool of page.tools) {
        support.set(tool.name, supportOf(tool));
        if (sendTool === undefined && isSendTool(tool)) sendTool = tool.name;
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { support, sendTool };
  }
}

function supportOf(tool: Tool): ToolTaskSupport {
  const support = tool.execution?.taskSupport;
  return support === "required" || support === "optional" ? support : "forbidden";
}

/** An mcpc server's send tool, whatever its prefix: named `…send`, taking `taskId` and `message`. */
function isSendTool(tool: Tool): boolean {
  const properties = tool.inputSchema.properties ?? {};
  return tool.name.endsWith("send") && "taskId" in properties && "message" in properties;
}
