import type { Rung } from "../rung.js";
import { boardOf } from "./mcpTaskBoard.js";
import { McpTaskCall } from "./mcpTaskCall.js";

/**
 * The MCP tasks rung (spec 2025-11-25): a `tools/call` with `params.task`, on a
 * session that serves MCP tasks. First on the ladder: the client asked for a task
 * in the standard way, whatever else it speaks.
 */
export const mcpTaskRung: Rung = {
  name: "mcp-task",
  accepts: (call) => call.task !== undefined && boardOf(call.session) !== undefined,
  serve: (call) => {
    const board = boardOf(call.session);
    if (!board) return Promise.reject(new Error(`MCP tasks are not served on session ${call.session.id}.`));
    // The SDK checks a task-augmented call's answer against CreateTaskResult, not CallToolResult.
    return new McpTaskCall(call, board).answer() as unknown as ReturnType<Rung["serve"]>;
  },
};
