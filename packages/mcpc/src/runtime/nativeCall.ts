import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, RequestId, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import { MCPC_NOTIFICATION, createTaskMessage, type McpcHeartbeatMessage } from "../protocol/message.js";
import type { TaskEvent, TaskRunControls, TaskStartSpec } from "../tasks/taskRegistry.js";
import { newId } from "../util/ids.js";
import { TaskCallContext } from "./callContext.js";
import type { CallSession } from "./callSession.js";
import { toWireError } from "./wireError.js";

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
  readonly toolName: string;
  /** The client's id, or minted here: the first events may be made before start() resolves. */
  readonly taskId: string;
  readonly #session: CallSession;
  readonly #tool: ToolDefinition;
  readonly #args: unknown;
  readonly #extra: Extra;
  readonly #requestId: RequestId;

  constructor(session: CallSession, tool: ToolDefinition, args: unknown, extra: Extra, taskId: string | undefined) {
    this.owner = session.owner;
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
    const { transport } = this.#session;
    transport.hold(this.#requestId);
    // If the call is cancelled before its answer is written, the answer never goes out.
    this.#extra.signal.addEventListener("abort", this, { once: true });
    try {
      await toWireError(this.#session.runtime.registry.start(this));
    } catch (error) {
      transport.release(this.#requestId);
      throw error;
    }
    const created = createTaskMessage("created", this.#session.id, this.taskId, this.toolName, null, 1);
    const result: CallToolResult = { content: [{ type: "text", text: JSON.stringify(created) }] };
    if (!this.#tool.output) result.structuredContent = created as unknown as Record<string, unknown>;
    return result;
  }

  run(controls: TaskRunControls): AsyncGenerator<unknown, unknown, undefined> {
    return this.#tool.invoke(this.#args, new TaskCallContext(this.#session, this.toolName, this.#extra, controls, true)) as AsyncGenerator<unknown, unknown, undefined>;
  }

  onEvent(event: TaskEvent): Promise<void> | undefined {
    this.#session.trackTask?.(this.taskId, event.event);
    // `created` is the call's own answer; the rest follow it.
    if (event.event === "created") return undefined;
    const message = createTaskMessage(event.event, this.#session.id, this.taskId, this.toolName, event.payload, event.seq);
    return this.#session.transport.sendAfterAnswer(this.#requestId, { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: message as unknown as Record<string, unknown> });
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
    void this.#session.transport.sendAfterAnswer(this.#requestId, { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: beat as unknown as Record<string, unknown> });
  }

  /** The call was cancelled before its answer went out: that answer never goes out. */
  handleEvent(): void {
    this.#session.transport.release(this.#requestId);
  }
}
