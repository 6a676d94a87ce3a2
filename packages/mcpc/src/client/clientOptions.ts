import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { McpcInputRequiredMessage, McpcMessage } from "../protocol/message.js";

/** What a listener receives: task events, the questions tasks ask (`input_required`), and server events. */
export type McpcListenerMessage = McpcMessage | McpcInputRequiredMessage;

/** Receives MCPC messages: task events, the questions tasks ask (`input_required`), and server events. */
export type McpcListener = (message: McpcListenerMessage) => void;

/** Options of the {@link McpcClient} constructor. */
export interface McpcClientOptions {
  /**
   * Ask a server without the native capability whether it speaks the legacy
   * (Python mcpc 0.2.x) dialect, through its hidden handshake tools, on connect. Default true.
   */
  legacy?: boolean;
  /**
   * Against a server without MCPC that offers MCP tasks (2025-11-25), call the
   * tools it lists with `execution.taskSupport` `optional` or `required` as tasks
   * (handle mode `mcp-task`). Default true; declares `capabilities.tasks` on the SDK client.
   */
  mcpTasks?: boolean;
}

/** Which MCPC dialect a connection speaks: ours, the Python package's, or none. */
export type McpcDialect = "native" | "legacy" | "plain";

/** Options of {@link McpcClient.callTool}. */
export interface CallToolOptions {
  /** The task id to use (default: a new UUID v4). Unique within the session. Not used for an MCP task: its server names it. */
  taskId?: string;
  /**
   * For a tool an MCP-task server runs as a task: `false` makes a plain call instead
   * (a `required` tool then fails), `{ ttl }` asks for a retention (ms). Default `{}`.
   */
  mcpTask?: false | { ttl?: number };
  /** SDK request options for the call itself (timeout, signal, ...). */
  request?: RequestOptions;
}
