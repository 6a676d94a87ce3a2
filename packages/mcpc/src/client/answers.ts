/**
 * What the client reads from the server's answers: the shapes of the
 * `mcpc/tasks/*` results, the `created` of a tagged call, the result of a
 * synchronous one, and wire errors as local ones.
 */
import { McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { McpcError, type McpcErrorCode } from "../errors.js";
import { isMcpcMessage, type McpcTaskMessage } from "../protocol/message.js";

const Snapshot = z.looseObject({
  task_id: z.string(),
  tool_name: z.string(),
  status: z.enum(["working", "input_required", "completed", "failed", "cancelled"]),
  seq: z.number(),
  created_at: z.number(),
  updated_at: z.number(),
});
export const GetResult = z.object({ task: Snapshot });
export const StopResult = z.object({ task: Snapshot, stopped: z.boolean() });
export const ListResult = z.object({ tasks: z.array(Snapshot), nextCursor: z.string().optional() });

/** A wire error the server marked with an mcpc code becomes that McpcError; anything else stays as it is. */
export function toLocalError(error: unknown): Error {
  if (error instanceof McpError) {
    const code = (error.data as { mcpcCode?: McpcErrorCode } | undefined)?.mcpcCode;
    if (code) return new McpcError(code, error.message.replace(/^MCP error -?\d+: /, ""), { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function localMessage(event: McpcTaskMessage["event"], taskId: string, toolName: string, result: unknown): McpcTaskMessage {
  return { type: "task", event, session_id: "", task_id: taskId, tool_name: toolName, result, protocol: "mcpc" };
}

/** The `created` message of a tagged call's answer, if that is what it is. */
export function readCreated(result: unknown): McpcTaskMessage | undefined {
  const answer = result as CallToolResult | undefined;
  const structured = answer?.structuredContent;
  if (isMcpcMessage(structured) && structured.type === "task" && structured.event === "created") return structured;
  const first = answer?.content?.[0];
  if (first?.type === "text" && first.text.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(first.text);
      if (isMcpcMessage(parsed) && parsed.type === "task" && parsed.event === "created") return parsed;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** What a synchronous answer means as a result: its structured content, else its text items joined, as text. */
export function readResult(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const texts = (result.content ?? []).filter((item) => item.type === "text").map((item) => (item as { text: string }).text);
  if (texts.length === 0) return result.content ?? null;
  return texts.join("\n");
}
