import { randomUUID } from "node:crypto";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  type CallToolResult,
  type CreateTaskResult,
  type Progress,
  type ProgressNotificationParams,
  type Task,
} from "@modelcontextprotocol/sdk/types.js";
import { McpcError } from "../errors.js";
import type { TaskEventName, TaskSnapshot } from "../protocol/message.js";
import { localMessage, readResult, toLocalError } from "./answers.js";
import { LOCAL_HANDLE_META, OWN_PROGRESS_TOKEN_PREFIX } from "./clientTransport.js";
import { isTerminalStatus, millis, snapshotOfTask, type TaskOutcome } from "./mcpTaskSnapshot.js";
import { TaskHandle, type HandleOwner } from "./taskHandle.js";
import { localQuestionMessage, questionFromStatusTool, questionInStatus, type SendOutcome } from "./taskInput.js";

/** The poll interval when the server names none (the SDK's default as well). */
const DEFAULT_POLL_MS = 1_000;
/** The shortest poll interval honoured: a server that asks for 0 must not make the client spin. */
const MIN_POLL_MS = 10;
/** How long one `tasks/result` may wait (while input is required it waits for the task's end); polling asks again after. */
const RESULT_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** Progress messages remembered to recognise a status message that repeats one (servers often set both). */
const RECENT_MESSAGES = 64;
/** Progress kept for a task the server has not named yet (the answer and its first notifications can share a read). */
const MAX_EARLY = 10_000;

/** What one MCP task call needs from the client. */
export interface McpTaskCallSetup {
  readonly sdk: Client;
  readonly toolName: string;
  readonly args: Record<string, unknown>;
  /** The retention to ask for (`params.task.ttl`, ms); the server decides. */
  readonly ttl?: number;
  /** SDK options for the `tools/call` request itself. */
  readonly request?: RequestOptions;
  /** The SDK client reads through `McpcClientTransport`: the answer, progress and status arrive from it, in wire order. */
  readonly wrapped: boolean;
  /** Told when the server names the task (status notifications are routed by its id) and once when the call ends. */
  readonly routes: { named(call: McpTaskCall): void; ended(call: McpTaskCall): void };
  /** Sends the task a message through the server's send tool (`tool`: the one its question named, if it did). */
  readonly send: (taskId: string, message: unknown, tool: string | undefined) => Promise<SendOutcome>;
}

/**
 * One `tools/call` made as an MCP task (2025-11-25, SEP-1686), driving one
 * {@link TaskHandle}: the `CreateTaskResult` becomes `created` (with the server's
 * task id), each progress notification on the call's token an `update`, each
 * status change or new status message seen in `notifications/tasks/status` or by
 * polling `tasks/get` an `update` (a message a progress notification already
 * showed is not shown twice), and `tasks/result` the terminal event (`complete`,
 * or `failed` with an `isError` result's text); `cancelled` comes from the status.
 * A question an mcpc server's tool asks (`task.ask`: status `input_required` with
 * "… (answer with task_send)") becomes an `input_required` event instead, with the
 * question's id and schema read from the server's status tool; the handle's
 * `send` then goes through the tool it named.
 *
 * Everything it starts it stops: the poll timer and the requests in flight end
 * with the handle, with {@link close}, and when the connection closes.
 */
export class McpTaskCall {
  /** Routes the call's progress before the server has named the task. */
  readonly localId = randomUUID();
  readonly toolName: string;
  readonly #setup: McpTaskCallSetup;
  #handle: TaskHandle | undefined;
  /** The server's view of the task, newest seen (creation, status notification, poll or cancel). */
  #task: Task | undefined;
  #lastMessage: string | undefined;
  readonly #recent: string[] = [];
  #early: ProgressNotificationParams[] = [];
  #userProgress: ((progress: Progress) => void) | undefined;
  #pollMs = DEFAULT_POLL_MS;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  /** One controller per request in flight: the SDK never removes its abort listener, so a shared signal would cancel every past request too. */
  readonly #inFlight = new Set<AbortController>();
  #resultFetch: Promise<void> | undefined;
  #outcome: TaskOutcome = {};
  #ended = false;
  /** The send tool the task's question named (the server's `task_send`, whatever its prefix). */
  #sendTool: string | undefined;
  /** The status message of the question being read from the status tool (one read per question). */
  #asking: string | undefined;

  constructor(setup: McpTaskCallSetup) {
    this.#setup = setup;
    this.toolName = setup.toolName;
  }

  /** The server's task id, once it named the task. */
  get taskId(): string | undefined {
    return this.#task?.taskId;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Sends the task-augmented call; resolves with the handle once the server answered (a task, or a plain result). */
  async start(): Promise<TaskHandle> {
    const { sdk, toolName, args, ttl, wrapped } = this.#setup;
    const { onprogress, ...request } = this.#setup.request ?? {};
    this.#userProgress = onprogress;
    const params = {
      name: toolName,
      arguments: args,
      // Through our transport the task's progress is routed by a token of our own; given no
      // `onprogress`, the SDK keeps no handler for it that would outlive the task.
      ...(wrapped && { _meta: { [LOCAL_HANDLE_META]: this.localId, progressToken: `${OWN_PROGRESS_TOKEN_PREFIX}${this.localId}` } }),
    };
    let answer: CallToolResult | CreateTaskResult;
    try {
      answer = await sdk.request({ method: "tools/call", params }, CreateTaskResultSchema.or(CallToolResultSchema), {
        ...request,
        task: ttl === undefined ? {} : { ttl },
        ...(!wrapped && { onprogress: (progress: Progress) => this.acceptProgress({ ...progress, progressToken: 0 }) }),
      });
    } catch (error) {
      if (!this.#ended) this.#stop();
      throw toLocalError(error);
    }
    const created = CreateTaskResultSchema.safeParse(answer);
    if (created.success) this.#named(created.data.task);
    else this.#answeredAtOnce(answer as CallToolResult);
    if (!this.#handle) throw new McpcError("INVALID_STATE", `The call of ${toolName} ended before the server answered it.`);
    return this.#handle;
  }

  /** The raw answer, read by the transport before the SDK (so `created` precedes the progress that followed it). */
  acceptAnswer(result: Record<string, unknown>): void {
    const parsed = CreateTaskResultSchema.safeParse(result);
    if (parsed.success) this.#named(parsed.data.task);
  }

  /** A progress notification on the call's token. */
  acceptProgress(params: ProgressNotificationParams): void {
    if (this.#ended) return;
    if (!this.#handle) {
      if (this.#early.length < MAX_EARLY) this.#early.push(params);
      return;
    }
    const { progressToken: _token, _meta: _none, ...progress } = params;
    if (typeof progress.message === "string") this.#remember(progress.message);
    this.#emit("update", progress);
    this.#userProgress?.(progress);
  }

  /** The task as the server shows it now: from `notifications/tasks/status`, a poll, or a cancel. */
  acceptStatus(task: Task): void {
    const known = this.#task;
    if (this.#ended || !known || task.taskId !== known.taskId) return;
    // A poll's answer is read a few turns after a status notification written later: an older view changes nothing.
    if (millis(task.lastUpdatedAt) < millis(known.lastUpdatedAt)) return;
    this.#task = task;
    this.#pollMs = pollMsOf(task, this.#pollMs);
    if (isTerminalStatus(task.status)) {
      this.#finish(task);
      return;
    }
    const message = task.statusMessage;
    const newMessage = message !== undefined && message !== this.#lastMessage && !this.#recent.includes(message);
    if (message !== undefined) this.#lastMessage = message;
    const question = task.status === "input_required" ? questionInStatus(message) : undefined;
    if (question) {
      if (task.status !== known.status || newMessage) this.#asked(task, question);
    } else if (task.status !== known.status || newMessage) this.#emit("update", { status: task.status, ...(message !== undefined && { message }) });
    // `tasks/result` is where the server delivers its questions (elicitation, sampling); it then waits for the end.
    if (task.status === "input_required") this.#fetchResult();
  }

  /** Cancels the task (`tasks/cancel`); resolves once the handle has ended. */
  async cancel(): Promise<{ task: TaskSnapshot; stopped: boolean }> {
    const taskId = this.#task?.taskId;
    const handle = this.#handle;
    if (taskId === undefined || !handle) {
      throw new McpcError("INVALID_STATE", `The call of ${this.toolName} was answered without a task: there is nothing to stop.`);
    }
    if (this.#ended) return { task: this.snapshot(), stopped: false };
    const { sdk } = this.#setup;
    let stopped = true;
    try {
      this.acceptStatus(await sdk.experimental.tasks.cancelTask(taskId));
    } catch (error) {
      // Refused, most likely because the task ended first: the server's view now decides.
      const now = await sdk.experimental.tasks.getTask(taskId).catch(() => undefined);
      if (!now || !isTerminalStatus(now.status)) throw toLocalError(error);
      this.acceptStatus(now);
      stopped = false;
    }
    await handle.result().catch(() => undefined);
    return { task: this.snapshot(), stopped: stopped && this.#task?.status === "cancelled" };
  }

  /** The task as a {@link TaskSnapshot}, with the result or error this call read. */
  snapshot(): TaskSnapshot {
    if (!this.#task) throw new McpcError("INVALID_STATE", `The call of ${this.toolName} has no task.`);
    return snapshotOfTask(this.#task, this.toolName, this.#handle?.lastSeq ?? 0, this.#outcome);
  }

  /** Stops following the task (the connection closed, or is closing): the handle's `result()` rejects; the task may still run. */
  close(): void {
    if (this.#ended) return;
    this.#stop();
    this.#handle?.fail(
      new McpcError("INVALID_STATE", `The connection closed before task "${this.taskId ?? this.localId}" (${this.toolName}) ended; it may still run on the server.`),
    );
  }

  #named(task: Task): void {
    if (this.#handle || this.#ended) return;
    this.#task = task;
    this.#pollMs = pollMsOf(task, DEFAULT_POLL_MS);
    this.#lastMessage = task.statusMessage;
    this.#handle = new TaskHandle(task.taskId, this.toolName, this.#handleOwner());
    this.#setup.routes.named(this);
    this.#emit("created", task);
    this.#flushEarly();
    if (isTerminalStatus(task.status)) this.#finish(task);
    else {
      if (task.status === "input_required") {
        const question = questionInStatus(task.statusMessage);
        if (question) this.#asked(task, question);
        this.#fetchResult();
      }
      this.#schedulePoll();
    }
  }

  /** What the handle of a task asks of this call: stop is `tasks/cancel`, send the server's send tool; no listeners, no recovery. */
  #handleOwner(): HandleOwner {
    return {
      deliver: () => undefined,
      recover: () => undefined,
      stop: () => this.cancel(),
      send: (taskId, message) => this.#setup.send(taskId, message, this.#sendTool),
    };
  }

  /**
   * The task asked a question (`task.ask` on an mcpc server): its id and schema
   * come from the status tool beside the send tool it names; the handle shows it
   * once read, if the task still waits on it then. Without them (another tool
   * answering, a failed read) the question still shows, with an empty schema.
   */
  #asked(task: Task, question: { question: string; sendTool: string }): void {
    this.#sendTool = question.sendTool;
    const message = task.statusMessage;
    if (this.#asking === message) return;
    this.#asking = message;
    const { sdk } = this.#setup;
    void this.#request((signal) => questionFromStatusTool(sdk, question.sendTool, task.taskId, signal))
      .catch(() => undefined)
      .then((read) => {
        const handle = this.#handle;
        if (this.#asking === message) this.#asking = undefined;
        if (this.#ended || !handle || this.#task?.status !== "input_required" || this.#task.statusMessage !== message) return;
        const asked = read ?? { id: "", question: question.question, schema: {} };
        handle.acceptQuestion(localQuestionMessage(task.taskId, this.toolName, asked, handle.lastSeq), false);
      });
  }

  /** The server answered at once (it ignored `params.task`, or refused the call): a synchronous handle. */
  #answeredAtOnce(result: CallToolResult): void {
    this.#handle = new TaskHandle(this.localId, this.toolName, this.#handleOwner());
    this.#flushEarly();
    this.#end(result.isError ? "failed" : "complete", readResult(result));
  }

  #flushEarly(): void {
    const early = this.#early;
    this.#early = [];
    for (const params of early) this.acceptProgress(params);
  }

  #finish(task: Task): void {
    this.#clearTimer();
    if (task.status === "cancelled") this.#end("cancelled", task.statusMessage ?? "cancelled");
    else this.#fetchResult();
  }

  #fetchResult(): void {
    const taskId = this.#task?.taskId;
    if (this.#resultFetch || this.#ended || taskId === undefined) return;
    const { sdk } = this.#setup;
    this.#resultFetch = this.#request((signal) => sdk.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, { signal, timeout: RESULT_TIMEOUT_MS }))
      .then(async (result) => {
        // Asked while input was required: the answer means the task ended, but not how; one look says it.
        if (this.#task && !isTerminalStatus(this.#task.status)) {
          const now = await this.#request((signal) => sdk.experimental.tasks.getTask(taskId, { signal })).catch(() => undefined);
          if (now) this.acceptStatus(now);
        }
        if (this.#ended) return;
        const status = this.#task?.status;
        if (status === "cancelled") this.#end("cancelled", this.#task?.statusMessage ?? readResult(result));
        else this.#end(result.isError || status === "failed" ? "failed" : "complete", readResult(result));
      })
      .catch((error: unknown) => {
        this.#resultFetch = undefined;
        if (this.#ended) return;
        const task = this.#task;
        if (task?.status === "failed" || task?.status === "cancelled") this.#end(task.status, task.statusMessage ?? task.status);
        else if (task?.status === "completed") this.#fail(toLocalError(error));
        // Still running (input was required): polling goes on, and asks again when the status calls for it.
      });
  }

  #schedulePoll(): void {
    if (this.#ended || this.#timer !== undefined || this.#polling || (this.#task && isTerminalStatus(this.#task.status))) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, this.#pollMs);
  }

  async #poll(): Promise<void> {
    const taskId = this.#task?.taskId;
    if (this.#ended || taskId === undefined) return;
    this.#polling = true;
    try {
      const task = await this.#request((signal) => this.#setup.sdk.experimental.tasks.getTask(taskId, { signal }));
      this.acceptStatus(task);
    } catch (error) {
      if (!this.#ended) this.#fail(toLocalError(error));
      return;
    } finally {
      this.#polling = false;
    }
    this.#schedulePoll();
  }

  async #request<T>(send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.#inFlight.add(controller);
    try {
      return await send(controller.signal);
    } finally {
      this.#inFlight.delete(controller);
    }
  }

  #remember(message: string): void {
    this.#recent.push(message);
    if (this.#recent.length > RECENT_MESSAGES) this.#recent.shift();
  }

  #emit(event: TaskEventName, result: unknown): void {
    const handle = this.#handle;
    if (!handle) return;
    handle.acceptLocal(localMessage(event, handle.taskId, this.toolName, result), this.#task ? "mcp-task" : "sync");
  }

  #end(event: "complete" | "failed" | "cancelled", result: unknown): void {
    if (this.#ended) return;
    this.#outcome = event === "complete" ? { result } : { error: typeof result === "string" ? result : JSON.stringify(result) };
    this.#stop();
    this.#emit(event, result);
  }

  #fail(error: Error): void {
    if (this.#ended) return;
    this.#stop();
    this.#handle?.fail(error);
  }

  /** Ends everything this call started: the poll timer, the requests in flight, the routes to it. */
  #stop(): void {
    this.#ended = true;
    this.#clearTimer();
    for (const controller of this.#inFlight) controller.abort(new Error("The task's handle ended."));
    this.#inFlight.clear();
    this.#early = [];
    this.#setup.routes.ended(this);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function pollMsOf(task: Task, fallback: number): number {
  const interval = task.pollInterval;
  return typeof interval === "number" && Number.isFinite(interval) ? Math.max(MIN_POLL_MS, interval) : fallback;
}
