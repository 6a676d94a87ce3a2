/**
 * The legacy dialect: what the Python `mcpc` 0.2.x package speaks (see
 * docs/protocol.md#legacy-dialect-python-mcpc-02x). Plain data and pure
 * functions, no SDK types: the server runtime, the helper and the client share them.
 */
import { describeValue } from "../util/describe.js";
import { isMcpcMessage, type McpcMessage } from "./message.js";

/** The id of every forged callback response. */
export const LEGACY_CALLBACK_ID = "MCPC_CALLBACK" as const;

/**
 * The hidden handshake tools, newest first (the order a client should try them).
 * `is_mcpc_enabled`: clients 0.1.0–0.2.2; `_is_mcpc_enabled`: 0.2.3–0.2.4; `_mcpc_init`: 0.2.5–0.2.6.
 */
export const LEGACY_HANDSHAKE_TOOLS = ["_mcpc_init", "_is_mcpc_enabled", "is_mcpc_enabled"] as const;

/** One of the three handshake tools; it names the dialect a legacy peer speaks. */
export type LegacyHandshakeTool = (typeof LEGACY_HANDSHAKE_TOOLS)[number];

/** The argument a legacy call tag travels in: `_metadata` (0.1.0–0.2.4) or `mcpc_params` (0.2.5–0.2.6). */
export type LegacyTagArgument = "_metadata" | "mcpc_params";

/** What the handshake answers (one text item holding this JSON). */
export interface LegacyProtocolInfo {
  mcpc_enabled: boolean;
  mcpc_version: string;
  mcpc_provider: string;
  /** Only in the answer to `is_mcpc_enabled` (clients 0.1.0–0.2.2). */
  mcpc_direct_updates?: boolean;
}

/** A legacy call tag, read from a call's arguments. */
export interface LegacyTag {
  argument: LegacyTagArgument;
  /** The client's own session id, echoed in every message of the task. */
  sessionId?: string;
  /** The client's task id. */
  taskId?: string;
}

/** True when `name` is one of the three handshake tools. */
export function isLegacyHandshakeTool(name: string): name is LegacyHandshakeTool {
  return (LEGACY_HANDSHAKE_TOOLS as readonly string[]).includes(name);
}

/** The call tag argument a client of that handshake uses. */
export function tagArgumentFor(tool: LegacyHandshakeTool): LegacyTagArgument {
  return tool === "_mcpc_init" ? "mcpc_params" : "_metadata";
}

/** The key names inside each tag argument. */
const TAG_KEYS: Record<LegacyTagArgument, { sessionId: string; taskId: string }> = {
  _metadata: { sessionId: "mcpc_session_id", taskId: "mcpc_task_id" },
  mcpc_params: { sessionId: "session_id", taskId: "task_id" },
};

/** Builds the tag argument a legacy client adds to a call's arguments. */
export function buildLegacyTag(argument: LegacyTagArgument, sessionId: string, taskId: string): Record<string, string> {
  const keys = TAG_KEYS[argument];
  return { [keys.sessionId]: sessionId, [keys.taskId]: taskId };
}

/** The handshake answer, shaped for the tool that asked. */
export function legacyProtocolInfo(tool: LegacyHandshakeTool, provider: string, version: string, enabled: boolean): LegacyProtocolInfo {
  const info: LegacyProtocolInfo = { mcpc_enabled: enabled, mcpc_version: version, mcpc_provider: provider };
  if (tool === "is_mcpc_enabled") info.mcpc_direct_updates = enabled;
  return info;
}

/**
 * Checks a handshake's arguments. `is_mcpc_enabled` takes `{}`; the newer two take
 * `{ mcpc_info: { mcpc_enabled?: boolean, mcpc_version?: string, mcpc_provider?: string } }`.
 * @returns the problem, in words, or undefined when they are fine.
 */
export function checkHandshakeArguments(tool: LegacyHandshakeTool, args: Record<string, unknown>): string | undefined {
  const info = args.mcpc_info;
  if (tool === "is_mcpc_enabled" && info === undefined) return undefined;
  const expected = `${tool} takes { "mcpc_info": { "mcpc_enabled": true, "mcpc_version": "<version>", "mcpc_provider": "<client name>" } }`;
  if (typeof info !== "object" || info === null || Array.isArray(info)) {
    return `${expected}; mcpc_info is ${describe(info)}.`;
  }
  const fields: Record<string, "boolean" | "string"> = { mcpc_enabled: "boolean", mcpc_version: "string", mcpc_provider: "string" };
  for (const [field, type] of Object.entries(fields)) {
    const value = (info as Record<string, unknown>)[field];
    if (value !== undefined && typeof value !== type) return `${expected}; mcpc_info.${field} must be a ${type}, got ${describe(value)}.`;
  }
  return undefined;
}

/**
 * Reads and removes the legacy call tags from a call's arguments.
 * @returns the arguments without the tags, the tag (if any), or the problem in words.
 */
export function readLegacyTag(
  args: Record<string, unknown>,
): { ok: true; args: Record<string, unknown>; tag: LegacyTag | undefined } | { ok: false; problem: string } {
  if (!("_metadata" in args) && !("mcpc_params" in args)) return { ok: true, args, tag: undefined };
  const { _metadata, mcpc_params, ...rest } = args;
  let tag: LegacyTag | undefined;
  for (const [argument, value] of [["mcpc_params", mcpc_params], ["_metadata", _metadata]] as const) {
    if (value === undefined) continue;
    const keys = TAG_KEYS[argument];
    const example = `{ "${keys.sessionId}": "<session id>", "${keys.taskId}": "<uuid>" }`;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { ok: false, problem: `The call tag "${argument}" must be an object like ${example}; got ${describe(value)}.` };
    }
    const sessionId = (value as Record<string, unknown>)[keys.sessionId];
    const taskId = (value as Record<string, unknown>)[keys.taskId];
    if (sessionId !== undefined && (typeof sessionId !== "string" || sessionId.length === 0)) {
      return { ok: false, problem: `${argument}.${keys.sessionId} must be a non-empty string; got ${describe(sessionId)}.` };
    }
    if (taskId !== undefined && (typeof taskId !== "string" || taskId.length === 0 || taskId.length > 256)) {
      return { ok: false, problem: `${argument}.${keys.taskId} must be a non-empty string of at most 256 characters (a UUID v4); got ${describe(taskId)}.` };
    }
    // Both present: the newer one wins, as the newest client sends only it.
    tag ??= { argument, ...(sessionId !== undefined && { sessionId }), ...(taskId !== undefined && { taskId }) };
  }
  return { ok: true, args: rest, tag };
}

/** The forged response a legacy peer reads an event from: a tool result whose one text item is the message. */
export interface LegacyCallback {
  jsonrpc: "2.0";
  id: typeof LEGACY_CALLBACK_ID;
  result: { content: [{ type: "text"; text: string; annotations: null }]; isError: false };
}

/** Wraps a message (without `seq`: the legacy dialect has none) as a `MCPC_CALLBACK` response. */
export function legacyCallback(message: McpcMessage): LegacyCallback {
  const { seq: _seq, ...legacy } = message as McpcMessage & { seq?: number };
  return {
    jsonrpc: "2.0",
    id: LEGACY_CALLBACK_ID,
    result: { content: [{ type: "text", text: JSON.stringify(legacy), annotations: null }], isError: false },
  };
}

/** The MCPC messages a tool result carries in its text items (a callback, or a legacy `created` answer). */
export function messagesInResult(result: unknown): McpcMessage[] {
  const content = (result as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return [];
  const messages: McpcMessage[] = [];
  for (const item of content as unknown[]) {
    const text = (item as { type?: unknown; text?: unknown } | null)?.text;
    if (typeof text !== "string" || !text.startsWith("{")) continue;
    try {
      const parsed: unknown = JSON.parse(text);
      if (isMcpcMessage(parsed)) messages.push(parsed);
    } catch {
      // Not a message: ordinary tool output.
    }
  }
  return messages;
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  // Short scalars as they were sent; anything else by its type only (it may be huge or deeply nested).
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  if (typeof value === "string" && value.length <= 60) return `string ${JSON.stringify(value)}`;
  return describeValue(value);
}
