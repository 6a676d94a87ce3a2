import { CallToolResultSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { TaskEventName } from "../protocol/message.js";
import { checkJson } from "../tasks/jsonPayload.js";

/**
 * Turns what a tool returned into an MCP tool result, FastMCP-style:
 * a string is text; a number or boolean is its text; a plain object is both
 * `structuredContent` and its JSON as text; an array is JSON text; `undefined`
 * or `null` is an empty result; a value that already is a tool result
 * (`{ content: [...] }`) passes through.
 */
export function toToolResult(value: unknown): CallToolResult {
  if (value === undefined || value === null) return { content: [] };
  if (typeof value === "string") return { content: [{ type: "text", text: value }] };
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return { content: [{ type: "text", text: String(value) }] };
  }
  if (isToolResult(value)) return checkedToolResult(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    // A function, a Symbol, a cycle, a throwing toJSON: the same words the task engine uses.
    const why = checkJson(value);
    return errorResult(`The tool's return value cannot be sent as JSON: ${typeof why === "string" ? why : "it is not JSON"}. Return plain data.`);
  }
  if (isPlainObject(value)) {
    return { content: [{ type: "text", text }], structuredContent: value as Record<string, unknown> };
  }
  return { content: [{ type: "text", text }] };
}

/** An `isError` result carrying `message` (what the model reads). */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/** Only plain objects are structured content: a Date or a Map would not survive as the object it is. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A result the tool built itself goes out as it is, once the MCP schema accepts it: the
 * session's `tools/call` handler skips the SDK's check of results (`session/callToolHandler.ts`),
 * and a client would refuse it without saying which tool sent it.
 */
function checkedToolResult(value: CallToolResult): CallToolResult {
  const checked = CallToolResultSchema.safeParse(value);
  if (checked.success) return value;
  const issue = checked.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.map(String).join(".")}` : "";
  return errorResult(
    `The tool returned a result the MCP schema refuses${where}: ${issue?.message ?? "invalid"}. ` +
      "Return plain data, or a CallToolResult whose content blocks are complete (a text block needs its text).",
  );
}

function isToolResult(value: unknown): value is CallToolResult {
  if (typeof value !== "object" || value === null || !("content" in value)) return false;
  const content = (value as { content: unknown }).content;
  return Array.isArray(content) && content.every((item) => typeof item === "object" && item !== null && typeof (item as { type?: unknown }).type === "string");
}

/**
 * The answer a call gets for its task's end (the synchronous fallback's answer,
 * and `tasks/result`): the return value as a tool result, or an `isError`
 * result with the error, or with the reason it was cancelled (`end` is a
 * terminal event; any other reads as cancelled).
 */
export function endResult(toolName: string, end: TaskEventName, payload: unknown): CallToolResult {
  switch (end) {
    case "complete":
      return toToolResult(payload);
    case "failed":
      return errorResult(String(payload));
    default:
      return errorResult(`Tool "${toolName}" was cancelled: ${String(payload)}.`);
  }
}
