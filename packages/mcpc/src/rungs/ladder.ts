import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { fallbackRung } from "./fallbackCall.js";
import { legacyRung } from "./legacyDialect.js";
import { nativeRung } from "./nativeCall.js";
import type { BackgroundCall, Rung } from "./rung.js";
import { mcpTaskRung } from "./mcpTasks/mcpTaskRung.js";
import { handleRung } from "./handles/handleRung.js";

/**
 * The delivery ladder of a background tool, in the order its rungs are asked:
 * an MCP task for a call that asked for one (`params.task`), the Python dialect
 * for a tagged call of a session that negotiated it, the native dialect for a
 * tagged call of a native session, a job handle for a plain call where handles
 * are on, the synchronous fallback for everyone else (it accepts every call, so
 * the ladder always ends).
 */
export const LADDER: readonly Rung[] = [mcpTaskRung, legacyRung, nativeRung, handleRung, fallbackRung];

/** Serves a background call on the first rung of the ladder that accepts it. */
export function serveOnLadder(call: BackgroundCall): Promise<CallToolResult> {
  for (const rung of LADDER) if (rung.accepts(call)) return rung.serve(call);
  return fallbackRung.serve(call);
}
