import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  ErrorCode,
  type CallToolRequest,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { errorMessage } from "../errors.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import { driveGenerator } from "../tasks/driveGenerator.js";
import { ToolCallContext } from "../call/callContext.js";
import { CallProgress } from "../call/callProgress.js";
import { serveOnLadder } from "./ladder.js";
import { serveHandleTool } from "./handles/handleTools.js";
// Every rung needs only what CallSession names, so the helper for plain SDK servers runs them too.
import type { CallSession as Session } from "../call/callSession.js";
import { answerHandshake, readLegacyCall } from "./legacyDialect.js";
import { isLegacyHandshakeTool, type LegacyTag } from "../protocol/legacy.js";
import { WireError, invalidParams } from "../call/wireError.js";
import { errorResult, toToolResult } from "../call/toolResult.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Answers one `tools/call`: picks the rung of the delivery ladder (`ladder.ts`, docs/architecture.md)
 * for this caller and this tool, and runs the tool on it.
 */
export function callTool(session: Session, request: CallToolRequest, extra: Extra): Promise<CallToolResult> {
  // Not an async function: the rung's own promise is the answer, with no second promise
  // (and its resolution job) wrapped around it for every call in flight.
  try {
    return answerCall(session, request, extra);
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

function answerCall(session: Session, request: CallToolRequest, extra: Extra): Promise<CallToolResult> {
  const { runtime } = session;
  const { name } = request.params;
  // The legacy handshake tools are answered but never listed.
  if (isLegacyHandshakeTool(name)) return Promise.resolve(answerHandshake(session, name, request.params.arguments ?? {}));
  const tool = runtime.tools.get(name);
  if (!tool && runtime.jobHandles) {
    const handled = serveHandleTool(session, runtime.jobHandles, name, request.params.arguments ?? {}, extra);
    if (handled) return handled;
  }
  if (!tool) {
    const known = [...runtime.tools.keys()].join(", ") || "none";
    throw invalidParams(`Unknown tool "${name}". This server's tools are: ${known}.`);
  }
  if (runtime.closing) {
    throw new WireError(ErrorCode.InternalError, `The server is shutting down; "${name}" was not started. Reconnect and call it again.`);
  }
  // Legacy call tags travel in the arguments: out before validation.
  const legacy = readLegacyCall(session, request.params.arguments ?? {});
  const parsed = parseArguments(tool, legacy.args);
  if (!parsed.ok) return Promise.resolve(errorResult(parsed.message));
  const args = parsed.value;

  const task = request.params.task;
  if (task !== undefined && tool.kind !== "background") {
    // Spec 2025-11-25: a tool that declares no task support is not called as a task.
    throw new WireError(
      ErrorCode.MethodNotFound,
      `Tool "${name}" cannot run as a task (it declares no execution.taskSupport): call it without "task" in the params.`,
    );
  }
  switch (tool.kind) {
    case "ordinary":
      return runOrdinary(session, tool, args, extra);
    case "streaming":
      return runStreaming(session, tool, args, extra);
    case "background":
      return serveOnLadder({ session, tool, args, extra, legacyTag: legacy.tag, task });
  }
}

/**
 * A background tool's call, served on the delivery ladder (`ladder.ts`): the
 * helper for plain SDK servers calls this too, with the tag its transport took.
 */
export function runBackground(session: Session, tool: ToolDefinition, args: unknown, extra: Extra, legacyTag?: LegacyTag): Promise<CallToolResult> {
  return serveOnLadder({ session, tool, args, extra, legacyTag });
}

function parseArguments(tool: ToolDefinition, raw: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (!tool.input) return { ok: true, value: raw };
  const result = tool.input.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "(arguments)";
    return `${where}: ${issue.message}`;
  });
  return { ok: false, message: `Invalid arguments for tool "${tool.name}": ${problems.join("; ")}.` };
}

async function runOrdinary(session: Session, tool: ToolDefinition, args: unknown, extra: Extra): Promise<CallToolResult> {
  try {
    return toToolResult(await tool.invoke(args, new ToolCallContext(session, tool.name, extra)));
  } catch (error) {
    return errorResult(errorMessage(error));
  }
}

function sendUpdate(progress: CallProgress, value: unknown): Promise<void> | undefined {
  return progress.update(value);
}

async function runStreaming(session: Session, tool: ToolDefinition, args: unknown, extra: Extra): Promise<CallToolResult> {
  const progress = new CallProgress(session, extra);
  let outcome;
  try {
    const generator = tool.invoke(args, new ToolCallContext(session, tool.name, extra)) as AsyncGenerator<unknown, unknown, undefined>;
    outcome = await driveGenerator(generator, extra.signal, sendUpdate, progress);
  } catch (error) {
    outcome = { kind: "threw" as const, error };
  }
  await progress.barrier();
  if (outcome.kind === "returned") return toToolResult(outcome.value);
  if (outcome.kind === "threw") return errorResult(errorMessage(outcome.error));
  return errorResult(`Tool "${tool.name}" was cancelled.`);
}
