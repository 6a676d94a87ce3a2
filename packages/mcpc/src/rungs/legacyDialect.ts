/**
 * The legacy (Python mcpc 0.2.x) dialect on the server side: the handshake
 * tools, the call tags in the arguments, and task events as forged
 * `MCPC_CALLBACK` responses. The wire shapes live in `protocol/legacy.ts`;
 * this module only decides per session and hands messages to the session
 * transport, whose answer-first gate keeps `created` ahead of every callback.
 */
import { newId } from "../util/ids.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, JSONRPCMessage, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import {
  checkHandshakeArguments,
  legacyCallback,
  legacyProtocolInfo,
  readLegacyTag,
  type LegacyHandshakeTool,
  type LegacyTag,
} from "../protocol/legacy.js";
import { MCPC_NOTIFICATION, createTaskMessage, type McpcMessage } from "../protocol/message.js";
import type { TaskRunControls } from "../tasks/taskRegistry.js";
import { MCPC_PACKAGE_VERSION } from "../version.js";
import type { CallSession } from "../call/callSession.js";
import { errorResult } from "../call/toolResult.js";
import { invalidParams } from "../call/wireError.js";
import { startAnswerFirst } from "./answerFirst.js";
import { TaskCallContext } from "../call/callContext.js";
import type { BackgroundCall, Rung } from "./rung.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Answers a handshake tool. Well-formed arguments switch this session (only
 * this one) to the legacy dialect; malformed ones get an `isError` answer
 * naming the problem, and the session stays as it was.
 */
export function answerHandshake(session: CallSession, tool: LegacyHandshakeTool, args: Record<string, unknown>): CallToolResult {
  const problem = checkHandshakeArguments(tool, args);
  if (problem !== undefined) return errorResult(`MCPC handshake refused: ${problem} This session stays a plain MCP session.`);
  const info = args.mcpc_info as { mcpc_enabled?: boolean; mcpc_version?: string } | undefined;
  const enabled = info?.mcpc_enabled !== false && session.supportsForgedResponses;
  if (enabled) {
    session.legacy = { handshake: tool, ...(info?.mcpc_version !== undefined && { clientVersion: info.mcpc_version }) };
  }
  const answer = legacyProtocolInfo(tool, session.runtime.options.name, MCPC_PACKAGE_VERSION, enabled);
  return { content: [{ type: "text", text: JSON.stringify(answer) }] };
}

/**
 * Takes the legacy call tags out of a call's arguments (before they are
 * validated, so no schema ever sees them).
 * @throws WireError `-32602` for a malformed tag, or one naming another open session.
 */
export function readLegacyCall(session: CallSession, args: Record<string, unknown>): { args: Record<string, unknown>; tag: LegacyTag | undefined } {
  const read = readLegacyTag(args);
  if (!read.ok) throw invalidParams(read.problem);
  const { tag } = read;
  if (tag?.sessionId !== undefined && tag.sessionId !== session.id && session.runtime.sessions.has(tag.sessionId)) {
    throw invalidParams(
      `The call tag names session "${tag.sessionId}", which is another connection. Tasks belong to the connection that starts them: use your own session id.`,
    );
  }
  if (tag?.sessionId !== undefined && session.legacy) session.legacy.clientSessionId = tag.sessionId;
  return { args: read.args, tag };
}

/**
 * A background call in the legacy dialect: answers `created` (one text item,
 * no `seq`), then every event as a `MCPC_CALLBACK` response, after the answer.
 * A stopped task ends `failed` (the dialect has no `cancelled`).
 */
export async function startLegacy(
  session: CallSession,
  toolName: string,
  tag: LegacyTag,
  extra: Extra,
  run: (controls: TaskRunControls) => AsyncGenerator<unknown, unknown, undefined>,
): Promise<CallToolResult> {
  const { transport } = session;
  const requestId = extra.requestId;
  const taskId = tag.taskId ?? newId();
  // The client's id is echoed; ownership is always this connection's.
  const sessionId = tag.sessionId ?? session.id;
  await startAnswerFirst(session, extra, {
    owner: session.owner,
    ...(session.owner !== session.id && { startedBy: session.id }),
    toolName,
    taskId,
    run,
    onEvent: ({ event, payload }) => {
      if (event === "created") return undefined;
      const message =
        event === "cancelled"
          ? createTaskMessage("failed", sessionId, taskId, toolName, `Task was stopped before it finished: ${String(payload)}.`)
          : createTaskMessage(event, sessionId, taskId, toolName, payload);
      return transport.sendAfterAnswer(requestId, legacyCallback(message));
    },
    // No heartbeat: the dialect has none, and a legacy client would pass it on as a task event.
  });
  return { content: [{ type: "text", text: JSON.stringify(createTaskMessage("created", sessionId, taskId, toolName, null)) }] };
}

/**
 * An MCPC message as this session's dialect carries it (native notification or
 * legacy callback), or undefined for a session that negotiated neither. A legacy
 * client's server events carry the session id it put in its tags.
 */
export function wireMessageFor(session: Pick<CallSession, "native" | "legacy">, message: McpcMessage): JSONRPCMessage | undefined {
  if (session.native) return { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: message as unknown as Record<string, unknown> };
  if (!session.legacy) return undefined;
  const sessionId = message.type === "server_event" ? (session.legacy.clientSessionId ?? message.session_id) : message.session_id;
  return legacyCallback({ ...message, session_id: sessionId } as McpcMessage);
}

/** The Python mcpc rung: a call carrying the legacy tag, from a session that negotiated the dialect with a handshake tool. */
export const legacyRung: Rung = {
  name: "legacy",
  accepts: ({ session, legacyTag }) => legacyTag !== undefined && session.legacy !== undefined,
  serve: ({ session, tool, args, extra, legacyTag }: BackgroundCall) => {
    // accepts() saw the tag; a call served here without one is a plain call.
    if (legacyTag === undefined) return Promise.reject(invalidParams(`Tool "${tool.name}" was called without its legacy tag.`));
    return startLegacy(session, tool.name, legacyTag, extra, (controls) =>
      tool.invoke(args, new TaskCallContext(session, tool.name, extra, controls, true)) as AsyncGenerator<unknown, unknown, undefined>,
    );
  },
};
