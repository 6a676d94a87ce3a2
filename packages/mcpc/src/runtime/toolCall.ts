import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  EmptyResultSchema,
  ErrorCode,
  type CallToolRequest,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { newId } from "../util/ids.js";
import { errorMessage } from "../errors.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import {
  MCPC_NOTIFICATION,
  MCPC_TASK_META,
  TERMINAL_EVENTS,
  createTaskMessage,
  type McpcHeartbeatMessage,
} from "../protocol/message.js";
import { driveGenerator } from "../tasks/driveGenerator.js";
import type { TaskEvent } from "../tasks/taskRegistry.js";
import { TaskCallContext, ToolCallContext } from "./callContext.js";
import { ProgressCounter, type ProgressParams } from "./progress.js";
// Every rung needs only what CallSession names, so the helper for plain SDK servers runs them too.
import type { CallSession as Session } from "./callSession.js";
import { answerHandshake, readLegacyCall, startLegacy } from "./legacyDialect.js";
import { isLegacyHandshakeTool, type LegacyTag } from "../protocol/legacy.js";
import { WireError, invalidParams, toWireError } from "./wireError.js";
import { errorResult, toToolResult } from "./toolResult.js";
import { deferred } from "../util/deferred.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A send that fails on a closed transport changes nothing for the task: one shared handler, not a closure per event. */
function ignore(): void {}

/**
 * Answers one `tools/call`: picks the rung of the delivery ladder (DESIGN §4)
 * for this caller and this tool, and runs the tool on it.
 */
export async function callTool(session: Session, request: CallToolRequest, extra: Extra): Promise<CallToolResult> {
  const { runtime } = session;
  const { name } = request.params;
  // The legacy handshake tools are answered but never listed.
  if (isLegacyHandshakeTool(name)) return answerHandshake(session, name, request.params.arguments ?? {});
  const tool = runtime.tools.get(name);
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
  if (!parsed.ok) return errorResult(parsed.message);
  const args = parsed.value;

  switch (tool.kind) {
    case "ordinary":
      return runOrdinary(session, tool, args, extra);
    case "streaming":
      return runStreaming(session, tool, args, extra);
    case "background":
      return runBackground(session, tool, args, extra, legacy.tag);
  }
}

/**
 * The rung of a background tool: the legacy dialect for a tagged call of a
 * session that negotiated it, the native one for a tagged call of a native
 * session, the synchronous fallback for everyone else.
 */
export async function runBackground(session: Session, tool: ToolDefinition, args: unknown, extra: Extra, legacyTag?: LegacyTag): Promise<CallToolResult> {
  if (legacyTag !== undefined && session.legacy !== undefined) {
    return startLegacy(session, tool.name, legacyTag, extra, ({ taskId, signal }) =>
      tool.invoke(args, new TaskCallContext(session, tool.name, extra, taskId, signal)) as AsyncGenerator<unknown, unknown, undefined>,
    );
  }
  const tag = readTaskTag(extra._meta);
  return tag !== undefined && session.native ? startNative(session, tool, args, tag.taskId, extra) : runFallback(session, tool, args, extra);
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

/** The native tag `_meta["mcpc/task"]`: undefined when absent; an error naming the field when malformed. */
function readTaskTag(meta: Record<string, unknown> | undefined): { taskId: string | undefined } | undefined {
  const tag = meta?.[MCPC_TASK_META];
  if (tag === undefined) return undefined;
  if (typeof tag !== "object" || tag === null) {
    throw invalidParams(`_meta["${MCPC_TASK_META}"] must be an object like { "task_id": "<uuid>" } or {}.`);
  }
  const taskId = (tag as { task_id?: unknown }).task_id;
  if (taskId !== undefined && (typeof taskId !== "string" || taskId.length === 0)) {
    throw invalidParams(`_meta["${MCPC_TASK_META}"].task_id must be a non-empty string; got ${JSON.stringify(taskId)}.`);
  }
  return { taskId: taskId as string | undefined };
}

async function runOrdinary(session: Session, tool: ToolDefinition, args: unknown, extra: Extra): Promise<CallToolResult> {
  try {
    return toToolResult(await tool.invoke(args, new ToolCallContext(session, tool.name, extra)));
  } catch (error) {
    return errorResult(errorMessage(error));
  }
}

/** Sends progress for one call when it has a token; the caller awaits {@link barrier} before answering. */
class CallProgress {
  readonly #session: Session;
  readonly #extra: Extra;
  readonly #token: string | number | undefined;
  readonly #counter: ProgressCounter;
  /** Sent with every notification of this call: made once, not per event. */
  readonly #options: { relatedRequestId: string | number };

  constructor(session: Session, extra: Extra) {
    this.#session = session;
    this.#extra = extra;
    this.#token = extra._meta?.progressToken;
    this.#counter = new ProgressCounter(this.#token);
    this.#options = { relatedRequestId: extra.requestId };
  }

  /** Sends one update's progress; the promise settles once the transport took it (backpressure). */
  update(value: unknown): Promise<void> | undefined {
    return this.#token === undefined ? undefined : this.#send(this.#counter.next(value));
  }

  heartbeat(): void {
    if (this.#token !== undefined) void this.#send(this.#counter.heartbeat());
  }

  /**
   * Makes sure the client has read every progress notification before the answer:
   * the SDK client drops those that share a read with the response
   * (typescript-sdk#2580). A client answers a ping only after reading what came before it.
   */
  async barrier(): Promise<void> {
    if (this.#counter.count === 0 || this.#extra.signal.aborted) return;
    const timeout = this.#session.runtime.options.pingBarrierTimeoutMs ?? 5_000;
    try {
      // On the call's own stream (relatedRequestId), behind its progress notifications.
      await this.#session.server.request({ method: "ping" }, EmptyResultSchema, {
        timeout,
        relatedRequestId: this.#extra.requestId,
      });
    } catch {
      // A client that cannot answer pings still gets its answer.
    }
  }

  #send(params: ProgressParams): Promise<void> {
    return this.#session.transport
      .sendDirect({ jsonrpc: "2.0", method: "notifications/progress", params: params as unknown as Record<string, unknown> }, this.#options)
      .catch(ignore);
  }
}

async function runStreaming(session: Session, tool: ToolDefinition, args: unknown, extra: Extra): Promise<CallToolResult> {
  const progress = new CallProgress(session, extra);
  let outcome;
  try {
    const generator = tool.invoke(args, new ToolCallContext(session, tool.name, extra)) as AsyncGenerator<unknown, unknown, undefined>;
    outcome = await driveGenerator(generator, extra.signal, (value) => progress.update(value));
  } catch (error) {
    outcome = { kind: "threw" as const, error };
  }
  await progress.barrier();
  if (outcome.kind === "returned") return toToolResult(outcome.value);
  if (outcome.kind === "threw") return errorResult(errorMessage(outcome.error));
  return errorResult(`Tool "${tool.name}" was cancelled.`);
}

/** The synchronous fallback: the same task engine, answered with the return value. */
async function runFallback(session: Session, tool: ToolDefinition, args: unknown, extra: Extra): Promise<CallToolResult> {
  const { registry } = session.runtime;
  const progress = new CallProgress(session, extra);
  const ended = deferred<TaskEvent>();
  // Minted here (as the engine would) so the session can track the task from its `created`.
  const fallbackId = newId();
  const snapshot = await toWireError(() =>
    registry.start({
      owner: session.owner,
      toolName: tool.name,
      taskId: fallbackId,
      run: ({ taskId, signal }) => tool.invoke(args, new TaskCallContext(session, tool.name, extra, taskId, signal)) as AsyncGenerator<unknown, unknown, undefined>,
      onEvent: (event) => {
        session.trackTask?.(fallbackId, event.event);
        if (event.event === "update") return progress.update(event.payload);
        if (TERMINAL_EVENTS.has(event.event)) ended.resolve(event);
        return undefined;
      },
      onHeartbeat: () => progress.heartbeat(),
    }),
  );
  const onCancel = () => {
    registry.stop(session.owner, snapshot.task_id, "Cancelled by the client").catch(() => undefined);
  };
  extra.signal.addEventListener("abort", onCancel, { once: true });
  const end = await ended.promise;
  extra.signal.removeEventListener("abort", onCancel);
  await progress.barrier();
  // Nobody will read this task again: its answer is the record.
  registry.cleanup(session.owner, snapshot.task_id).catch(() => undefined);
  switch (end.event) {
    case "complete":
      return toToolResult(end.payload);
    case "failed":
      return errorResult(String(end.payload));
    default:
      return errorResult(`Tool "${tool.name}" was cancelled: ${String(end.payload)}.`);
  }
}

/** The native dialect: answer `created` now, stream the rest as `notifications/mcpc`. */
async function startNative(
  session: Session,
  tool: ToolDefinition,
  args: unknown,
  taskId: string | undefined,
  extra: Extra,
): Promise<CallToolResult> {
  const { registry } = session.runtime;
  const { transport } = session;
  const requestId = extra.requestId;
  transport.hold(requestId);
  // If the call is cancelled before its answer is written, the answer never goes out.
  extra.signal.addEventListener("abort", () => transport.release(requestId), { once: true });
  // Minted here, not by the engine: the first events may be made before start() resolves.
  const id = taskId ?? newId();
  try {
    await toWireError(() =>
      registry.start({
        owner: session.owner,
        toolName: tool.name,
        taskId: id,
        run: ({ taskId: runId, signal }) =>
          tool.invoke(args, new TaskCallContext(session, tool.name, extra, runId, signal)) as AsyncGenerator<unknown, unknown, undefined>,
        onEvent: (event) => {
          session.trackTask?.(id, event.event);
          // `created` is the call's own answer; the rest follow it.
          if (event.event === "created") return undefined;
          const message = createTaskMessage(event.event, session.id, id, tool.name, event.payload, event.seq);
          return transport.sendAfterAnswer(requestId, { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: message as unknown as Record<string, unknown> });
        },
        onHeartbeat: (seq) => {
          const beat: McpcHeartbeatMessage = {
            type: "heartbeat",
            event: "heartbeat",
            session_id: session.id,
            task_id: id,
            tool_name: tool.name,
            result: null,
            protocol: "mcpc",
            seq,
          };
          void transport.sendAfterAnswer(requestId, { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: beat as unknown as Record<string, unknown> });
        },
      }),
    );
    const created = createTaskMessage("created", session.id, id, tool.name, null, 1);
    const result: CallToolResult = { content: [{ type: "text", text: JSON.stringify(created) }] };
    if (!tool.output) result.structuredContent = created as unknown as Record<string, unknown>;
    return result;
  } catch (error) {
    transport.release(requestId);
    throw error;
  }
}
