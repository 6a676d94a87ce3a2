import type { CreateTaskResult, JSONRPCMessage, RequestId, Task, TaskStatus } from "@modelcontextprotocol/sdk/types.js";
import type { ToolDefinition } from "../../definitions/toolDefinitions.js";
import type { TaskEvent, TaskRunControls, TaskStartSpec } from "../../tasks/taskSpec.js";
import { newId } from "../../util/ids.js";
import type { CallSession } from "../../call/callSession.js";
import { ProgressCounter } from "../../call/progress.js";
import { startAnswerFirst, stopIfUnanswered } from "../answerFirst.js";
import type { BackgroundCall, CallExtra } from "../rung.js";
import type { McpTaskBoard } from "./mcpTaskBoard.js";
import { McpTaskContext } from "./mcpTaskContext.js";
import { grantTtl } from "./mcpTaskOptions.js";
import { MODEL_IMMEDIATE_RESPONSE_META, messageOfUpdate, questionText } from "./mcpTaskView.js";

/** A send that fails on a closed transport changes nothing for the task: one shared handler. */
function ignore(): void {}

const TERMINAL: Partial<Record<TaskEvent["event"], TaskStatus>> = { complete: "completed", failed: "failed", cancelled: "cancelled" };

/**
 * A background tool called as an MCP task (spec 2025-11-25): answered at once
 * with a `CreateTaskResult`; then, after that answer, every update as
 * `notifications/progress` on the call's `progressToken` (the spec keeps it
 * valid while the task runs) and every status change as
 * `notifications/tasks/status`. The client reads the end through `tasks/result`
 * (`mcpTaskMethods.ts`), from the engine's record.
 *
 * One object per task is its start spec and its call's cancel listener, as on the native rung.
 */
export class McpTaskCall implements TaskStartSpec {
  readonly owner: string;
  readonly startedBy: string | undefined;
  readonly toolName: string;
  readonly taskId = newId();
  readonly ttlMs: number;
  readonly board: McpTaskBoard;
  readonly session: CallSession;
  readonly #tool: ToolDefinition;
  readonly #args: unknown;
  readonly #extra: CallExtra;
  readonly #requestId: RequestId;
  /** Made only for a call with a `progressToken`. */
  readonly #progress: ProgressCounter | undefined;
  #createdAt = "";
  /** The latest update, as yielded (no copy): its text is read only when a status goes out. */
  #lastUpdate: unknown;

  constructor({ session, tool, args, extra, task }: BackgroundCall, board: McpTaskBoard) {
    this.owner = session.owner;
    this.startedBy = session.owner === session.id ? undefined : session.id;
    this.toolName = tool.name;
    this.ttlMs = grantTtl(task?.ttl, board.options.maxTtlMs);
    this.board = board;
    this.session = session;
    this.#tool = tool;
    this.#args = args;
    this.#extra = extra;
    this.#requestId = extra.requestId;
    const token = extra._meta?.progressToken;
    this.#progress = token === undefined ? undefined : new ProgressCounter(token);
  }

  /** Starts the task and answers the call with its `CreateTaskResult`. */
  async answer(): Promise<CreateTaskResult> {
    const started = await startAnswerFirst(this.session, this.#extra, this, this);
    this.#createdAt = new Date(started.created_at).toISOString();
    const statusMessage = `"${this.toolName}" started`;
    return {
      task: { ...this.#task("working", this.#createdAt), statusMessage },
      _meta: {
        [MODEL_IMMEDIATE_RESPONSE_META]:
          `"${this.toolName}" is running in the background as task "${this.taskId}". ` +
          "Its result will follow when it completes; the conversation can go on meanwhile.",
      },
    };
  }

  run(controls: TaskRunControls): AsyncGenerator<unknown, unknown, undefined> {
    const context = new McpTaskContext(this.session, this.toolName, this.#extra, controls, this.board);
    return this.#tool.invoke(this.#args, context) as AsyncGenerator<unknown, unknown, undefined>;
  }

  onEvent(event: TaskEvent): Promise<void> | undefined {
    if (event.event === "update") {
      this.#lastUpdate = event.payload;
      if (!this.#progress) return undefined;
      return this.#send({ jsonrpc: "2.0", method: "notifications/progress", params: this.#progress.next(event.payload) as unknown as Record<string, unknown> });
    }
    if (event.event === "created") {
      // Provisional: a task that ends before start() resolved still reports a creation time; answer() sets the record's own.
      this.#createdAt = new Date().toISOString();
      return undefined;
    }
    const status = TERMINAL[event.event];
    if (status === undefined) return undefined;
    // The payload of `failed` and `cancelled` is the reason: what a person reads about the end.
    const message = status === "completed" ? messageOfUpdate(this.#lastUpdate) : String(event.payload);
    void this.#sendStatus(status, message);
    return undefined;
  }

  onStatus(status: "working" | "input_required"): void {
    // A question asked without an elicitation (`task.ask`) is what the user reads meanwhile; it is answered with task_send.
    const question = status === "input_required" ? this.session.runtime.inboxes?.get(this.owner, this.taskId)?.question : undefined;
    void this.#sendStatus(status, question ? questionText(question.question, this.session.runtime.jobHandles?.names.send) : messageOfUpdate(this.#lastUpdate));
  }

  onHeartbeat(): void {
    // Best effort, as every heartbeat: it keeps the client's time-out from running out while the tool is silent.
    if (!this.#progress) return;
    const beat: JSONRPCMessage = { jsonrpc: "2.0", method: "notifications/progress", params: this.#progress.heartbeat() as unknown as Record<string, unknown> };
    this.session.transport.offer("heartbeats", beat, undefined, this.#requestId)?.catch(ignore);
  }

  /** The call was cancelled (`notifications/cancelled`) before its answer went out: see `startAnswerFirst`. */
  handleEvent(): void {
    stopIfUnanswered(this.session, this.#requestId, this.owner, this.taskId);
  }

  #sendStatus(status: TaskStatus, statusMessage: string | undefined): Promise<void> {
    const params: Task = this.#task(status, new Date().toISOString());
    if (statusMessage !== undefined) params.statusMessage = statusMessage;
    return this.#send({ jsonrpc: "2.0", method: "notifications/tasks/status", params: params as unknown as Record<string, unknown> });
  }

  /**
   * After the answer, on the session's own stream (Streamable HTTP: the GET
   * stream; the call's stream closed with the answer). Waits for a slow client.
   */
  #send(message: JSONRPCMessage): Promise<void> {
    return this.session.transport.sendAfterAnswer(this.#requestId, message).catch(ignore);
  }

  #task(status: TaskStatus, lastUpdatedAt: string): Task {
    return { taskId: this.taskId, status, createdAt: this.#createdAt, lastUpdatedAt, ttl: this.ttlMs, pollInterval: this.board.options.pollIntervalMs };
  }
}
