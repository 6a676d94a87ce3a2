import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, RequestId, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import { MCPC_NOTIFICATION, MCPC_TASK_META, createTaskMessage, type McpcHeartbeatMessage, type McpcInputRequiredMessage } from "../protocol/message.js";
import type { TaskEvent, TaskRunControls, TaskStartSpec } from "../tasks/taskRegistry.js";
import { newId } from "../util/ids.js";
import { TaskCallContext } from "../call/callContext.js";
import type { CallSession } from "../call/callSession.js";
import { invalidParams } from "../call/wireError.js";
import { describeValue } from "../util/describe.js";
import type { BackgroundCall, Rung } from "./rung.js";
import { startAnswerFirst, stopIfUnanswered } from "./answerFirst.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * A background tool called in the native dialect: the call is answered with
 * `created` at once, the rest of the task follows as `notifications/mcpc`,
 * after that answer (the session transport holds them until it went out).
 *
 * One object per task is its start spec (methods, not closures) and the call's
 * abort listener: at 10,000 tasks in a session the server holds 10,000 of these.
 */
export class NativeCall implements TaskStartSpec {
  readonly owner: string;
  /** Set where the session shares its owner (a principal): closing it stops just its own tasks. */
  readonly startedBy: string | undefined;
  readonly toolName: string;
  /** The client's id, or minted here: the first events may be made before start() resolves. */
  readonly taskId: string;
  readonly #session: CallSession;
  readonly #tool: ToolDefinition;
  readonly #args: unknown;
  readonly #extra: Extra;
  readonly #requestId: RequestId;
  #lastSeq = 0;

  constructor(session: CallSession, tool: ToolDefinition, args: unknown, extra: Extra, taskId: string | undefined) {
    this.owner = session.owner;
    this.startedBy = session.owner === session.id ? undefined : session.id;
    this.toolName = tool.name;
    this.taskId = taskId ?? newId();
    this.#session = session;
    this.#tool = tool;
    this.#args = args;
    this.#extra = extra;
    this.#requestId = extra.requestId;
  }

  /** Starts the task and answers the call with its `created` message. */
  async answer(): Promise<CallToolResult> {
    await startAnswerFirst(this.#session, this.#extra, this, this);
    const created = createTaskMessage("created", this.#session.id, this.taskId, this.toolName, null, 1);
    const result: CallToolResult = { content: [{ type: "text", text: JSON.stringify(created) }] };
    if (!this.#tool.output) result.structuredContent = created as unknown as Record<string, unknown>;
    return result;
  }

  run(controls: TaskRunControls): AsyncGenerator<unknown, unknown, undefined> {
    return this.#tool.invoke(this.#args, new TaskCallContext(this.#session, this.toolName, this.#extra, controls, true)) as AsyncGenerator<unknown, unknown, undefined>;
  }

  onEvent(event: TaskEvent): Promise<void> | undefined {
    this.#lastSeq = event.seq;
    // `created` is the call's own answer; the rest follow it.
    if (event.event === "created") return undefined;
    const message = createTaskMessage(event.event, this.#session.id, this.taskId, this.toolName, event.payload, event.seq);
    return this.#session.transport.sendAfterAnswer(this.#requestId, { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: message as unknown as Record<string, unknown> });
  }

  /** The task asked a question (`task.ask`) without an elicitation: it goes out as an `input_required` message. */
  onStatus(status: "working" | "input_required"): void {
    if (status !== "input_required") return;
    const question = this.#session.runtime.inboxes?.get(this.owner, this.taskId)?.question;
    if (!question) return;
    const message: McpcInputRequiredMessage = {
      type: "input_required",
      event: "input_required",
      session_id: this.#session.id,
      task_id: this.taskId,
      tool_name: this.toolName,
      result: { question_id: question.id, question: question.question, schema: question.schema },
      protocol: "mcpc",
      seq: this.#lastSeq,
    };
    void this.#session.transport.sendAfterAnswer(this.#requestId, { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: message as unknown as Record<string, unknown> });
  }

  onHeartbeat(seq: number): void {
    const beat: McpcHeartbeatMessage = {
      type: "heartbeat",
      event: "heartbeat",
      session_id: this.#session.id,
      task_id: this.taskId,
      tool_name: this.toolName,
      result: null,
      protocol: "mcpc",
      seq,
    };
    // Best effort: dropped (and counted in the drop notice) while the client is not keeping up.
    this.#session.transport
      .offer("heartbeats", { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: beat as unknown as Record<string, unknown> }, undefined, this.#requestId)
      ?.catch(() => undefined);
  }

  /** The call was cancelled (`notifications/cancelled`): see `startAnswerFirst`. */
  handleEvent(): void {
    stopIfUnanswered(this.#session, this.#requestId, this.owner, this.taskId);
  }
}

/** The native MCPC rung: a call tagged `_meta["mcpc/task"]` from a session that declared `experimental.mcpc`. */
export const nativeRung: Rung = {
  name: "native",
  // The tag is read first: a malformed one is refused with -32602 whoever sent it.
  accepts: ({ session, extra }) => readTaskTag(extra._meta) !== undefined && session.native,
  serve: ({ session, tool, args, extra }: BackgroundCall) => new NativeCall(session, tool, args, extra, readTaskTag(extra._meta)?.taskId).answer(),
};

/** The native tag `_meta["mcpc/task"]`: undefined when absent; an error naming the field when malformed. */
function readTaskTag(meta: Record<string, unknown> | undefined): { taskId: string | undefined } | undefined {
  const tag = meta?.[MCPC_TASK_META];
  if (tag === undefined) return undefined;
  if (typeof tag !== "object" || tag === null) {
    throw invalidParams(`_meta["${MCPC_TASK_META}"] must be an object like { "task_id": "<uuid>" } or {}.`);
  }
  const taskId = (tag as { task_id?: unknown }).task_id;
  if (taskId !== undefined && (typeof taskId !== "string" || taskId.length === 0)) {
    throw invalidParams(`_meta["${MCPC_TASK_META}"].task_id must be a non-empty string; got ${describeValue(taskId)}.`);
  }
  return { taskId: taskId as string | undefined };
}
