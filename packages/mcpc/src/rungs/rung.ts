import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest, TaskMetadata } from "@modelcontextprotocol/sdk/types.js";
import type { CallSession } from "../call/callSession.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import type { LegacyTag } from "../protocol/legacy.js";

/** The SDK's per-request context of a `tools/call`. */
export type CallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** One call of a background tool, as every rung sees it (arguments already validated). */
export interface BackgroundCall {
  readonly session: CallSession;
  readonly tool: ToolDefinition;
  readonly args: unknown;
  readonly extra: CallExtra;
  /** The Python mcpc tag, taken out of the arguments before validation, if the call had one. */
  readonly legacyTag: LegacyTag | undefined;
  /** `params.task` of an MCP task-augmented call (spec 2025-11-25), if the client asked for a task. */
  readonly task?: TaskMetadata | undefined;
}

/**
 * One rung of the delivery ladder (docs/architecture.md): how a background call
 * is recognised, and how its task's events and answer reach that caller. The
 * ladder asks its rungs in order; the first that accepts a call serves it. A new
 * way of delivering (MCP tasks, job handles) is one more module with one of these.
 */
export interface Rung {
  /** For logs and docs: `"mcp-task"`, `"native"`, `"legacy"`, `"fallback"`. */
  readonly name: string;
  /** True when this rung serves the call. May throw a wire error for a malformed tag that names it. */
  accepts(call: BackgroundCall): boolean;
  /** Starts the call's task on this rung and answers the call. */
  serve(call: BackgroundCall): Promise<CallToolResult>;
}
