import { McpcError } from "../errors.js";
import { deferred } from "../util/deferred.js";
import { TERMINAL_EVENTS, type McpcInputRequiredMessage, type McpcTaskMessage, type TaskSnapshot } from "../protocol/message.js";
import { questionOf, type SendOutcome, type TaskQuestion } from "./taskInput.js";

/** How a handle's task is run by the server. */
export type TaskMode =
  /** A background task: `created`, then events as they happen. */
  | "background"
  /** Answered synchronously (an ordinary tool, or a server without MCPC): progress became `update`s, the answer the terminal event. */
  | "sync"
  /**
   * A task of the MCP specification (2025-11-25, SEP-1686) on a server without MCPC:
   * the server named it in a `CreateTaskResult`; its progress and status became
   * `update`s, its `tasks/result` the terminal event.
   */
  | "mcp-task";

/**
 * What a handle's `events()` yields: the task's events, and the questions it asks
 * (`input_required`, carrying the seq of the event before it: it is not an event
 * of its own, and is never counted as a gap).
 */
export type TaskHandleEvent = McpcTaskMessage | McpcInputRequiredMessage;

/** The most events a handle keeps for an `events()` reader that is not reading. */
const MAX_BUFFERED = 10_000;

/** What a handle needs from its client. */
export interface HandleOwner {
  /** Passes a message the server sent on to the client's listeners. */
  deliver(message: TaskHandleEvent): void;
  /** Asks the server for the task's state after a gap in sequence numbers. */
  recover(handle: TaskHandle): void;
  stop(taskId: string): Promise<{ task: TaskSnapshot; stopped: boolean }>;
  /** Sends the task a message (`mcpc/tasks/send`, or the server's send tool). */
  send(taskId: string, message: unknown): Promise<SendOutcome>;
}

/**
 * One tool call made through {@link McpcClient.callTool}: its events, in order,
 * each once, ending at the terminal event (`complete`, `failed` or `cancelled`).
 *
 * @example
 * ```ts
 * const task = await client.callTool("process_data", { url });
 * for await (const event of task.events()) if (event.event === "update") showProgress(event.result);
 * const final = await task.result(); // the terminal event
 * ```
 *
 * A task that asks a question (`task.ask` on the server, to a client without
 * elicitation) yields an `input_required` event and shows it as {@link question}
 * until it goes on; {@link answer} (or {@link send}) answers it:
 *
 * ```ts
 * for await (const event of task.events()) {
 *   if (event.event === "input_required") await task.answer({ choice: "paris-fr" });
 * }
 * ```
 */
export class TaskHandle {
  /** The task's id (chosen by the client; for an MCP task, by the server). */
  readonly taskId: string;
  readonly toolName: string;
  /** Events the reader of events() will not see: sequence gaps (the final state is still fetched), and events dropped past 10,000 unread. */
  missed = 0;
  #mode: TaskMode | undefined;
  readonly #owner: HandleOwner;
  #lastSeq = 0;
  /** Events that arrived before `created` (possible over HTTP, where the answer and events take two streams). */
  #early: TaskHandleEvent[] = [];
  readonly #buffer: TaskHandleEvent[] = [];
  #question: TaskQuestion | undefined;
  #wake: (() => void) | undefined;
  #iterating = false;
  #terminal: McpcTaskMessage | undefined;
  readonly #settled = deferred<McpcTaskMessage>();

  constructor(taskId: string, toolName: string, owner: HandleOwner) {
    this.taskId = taskId;
    this.toolName = toolName;
    this.#owner = owner;
    // A caller that only iterates must not see an unhandled rejection from result().
    this.#settled.promise.catch(() => undefined);
  }

  /** `background` once the server answered `created`; `sync` when it answered with the result; `mcp-task` once an MCP task was created. */
  get mode(): TaskMode | undefined {
    return this.#mode;
  }

  /** True once the terminal event was delivered. */
  get done(): boolean {
    return this.#terminal !== undefined;
  }

  /** The sequence number of the last event delivered. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Resolves with the terminal event (rejects only if the call itself failed, e.g. the connection closed). */
  result(): Promise<McpcTaskMessage> {
    return this.#settled.promise;
  }

  /**
   * Resolves with the `complete` event's result; rejects with an McpcError
   * (`TASK_FAILED` or `TASK_CANCELLED`) carrying the server's message otherwise.
   */
  async value(): Promise<unknown> {
    const terminal = await this.#settled.promise;
    if (terminal.event === "complete") return terminal.result;
    const code = terminal.event === "failed" ? "TASK_FAILED" : "TASK_CANCELLED";
    throw new McpcError(code, `Task "${this.taskId}" (${this.toolName}) ${terminal.event}: ${String(terminal.result)}`);
  }

  /** Asks the server to stop the task (`mcpc/tasks/stop`, or `tasks/cancel` for an MCP task); resolves once it has ended. */
  stop(): Promise<{ task: TaskSnapshot; stopped: boolean }> {
    return this.#owner.stop(this.taskId);
  }

  /** The question the task asked and still waits on, if any: set by an `input_required` event, cleared by the answer or the task's next event. */
  get question(): TaskQuestion | undefined {
    return this.#question;
  }

  /**
   * Sends the running task a message: the answer to its {@link question} when it
   * asked one, else the next message of its inbox (a tool that declares
   * `accepts`). Resolves with `{ answered, queued }`.
   * @throws McpcError from the server: `INVALID_MESSAGE` (naming the field), `INBOX_FULL`,
   *   `NO_INBOX`, `TASK_ENDED`, `UNKNOWN_TASK`; `INVALID_STATE` where this connection cannot send
   *   (a call answered synchronously, the Python dialect, a server without MCPC and without a send tool).
   */
  async send(message: unknown): Promise<SendOutcome> {
    if (this.#mode === "sync" || this.#mode === undefined) {
      throw new McpcError("INVALID_STATE", `The call of ${this.toolName} ${this.#mode === "sync" ? "was answered synchronously" : "has not been answered yet"}: there is no running task to send a message to.`);
    }
    const asked = this.#question;
    const outcome = await this.#owner.send(this.taskId, message);
    if (outcome.answered && this.#question === asked) this.#question = undefined;
    return outcome;
  }

  /** Answers the task's {@link question}: the same as {@link send}, for code that reads better so. */
  answer(value: unknown): Promise<SendOutcome> {
    return this.send(value);
  }

  /**
   * The task's events in order, each once, ending with the terminal event, and
   * its questions (`input_required`) where they came. Events that came before the
   * call to `events()` are included. One reader per handle.
   */
  events(): AsyncIterableIterator<TaskHandleEvent> {
    if (this.#iterating) {
      throw new McpcError("INVALID_STATE", `events() of task "${this.taskId}" is already being read; use client.on(...) for a second reader.`);
    }
    this.#iterating = true;
    const next = async (): Promise<IteratorResult<TaskHandleEvent, undefined>> => {
      for (;;) {
        const message = this.#buffer.shift();
        if (message) return { value: message, done: false };
        if (this.#terminal) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    };
    const iterator: AsyncIterableIterator<TaskHandleEvent> = {
      next,
      return: async () => {
        this.#buffer.length = 0;
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** @internal The answer to the call was `created` (seq 1). */
  acceptCreated(created: McpcTaskMessage): void {
    if (this.#mode !== undefined) return;
    this.#mode = "background";
    this.#accept(created, true);
    // A question comes after the event whose seq it carries.
    const early = this.#early.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0) || Number(a.type === "input_required") - Number(b.type === "input_required"));
    this.#early = [];
    for (const message of early) {
      if (message.type === "input_required") this.acceptQuestion(message);
      else this.#accept(message, true);
    }
  }

  /** @internal A native event from the server. */
  acceptEvent(message: McpcTaskMessage): void {
    if (this.#mode === undefined) {
      this.#early.push(message);
      return;
    }
    this.#accept(message, true);
  }

  /**
   * @internal The task asked a question: shown as {@link question} and yielded
   * as an event. Like a heartbeat it carries the seq of the task's last event
   * (a higher one means an event went missing), and takes no seq of its own.
   * `fromServer` false: learned from an MCP task's status, not sent to listeners.
   */
  acceptQuestion(message: McpcInputRequiredMessage, fromServer = true): void {
    if (this.done) return;
    if (this.#mode === undefined) {
      this.#early.push(message);
      return;
    }
    if (message.seq > this.#lastSeq) this.#owner.recover(this);
    this.#question = questionOf(message);
    if (fromServer) this.#owner.deliver(message);
    this.#push(message);
  }

  /** @internal A heartbeat told us the seq of the server's last event. */
  acceptHeartbeat(seq: number): void {
    if (this.#mode === "background" && !this.done && seq > this.#lastSeq) this.#owner.recover(this);
  }

  /** @internal The server's snapshot after a gap: ends the task if the server says it ended. */
  acceptSnapshot(task: TaskSnapshot, sessionId: string): void {
    if (this.done || task.seq <= this.#lastSeq) return;
    const event = task.status === "completed" ? "complete" : task.status === "failed" ? "failed" : task.status === "cancelled" ? "cancelled" : undefined;
    if (!event) return;
    this.missed += task.seq - this.#lastSeq - 1;
    const result = event === "complete" ? (task.result ?? null) : (task.error ?? null);
    this.#accept({ type: "task", event, session_id: sessionId, task_id: this.taskId, tool_name: this.toolName, result, protocol: "mcpc", seq: task.seq }, true);
  }

  /** @internal A local event (synchronous answers, progress of a plain server, an MCP task's events): counted, not sent to listeners. */
  acceptLocal(message: McpcTaskMessage, mode: TaskMode = "sync"): void {
    this.#mode ??= mode;
    this.#accept({ ...message, seq: this.#lastSeq + 1 }, false);
  }

  /** @internal The call failed before the task could report anything. */
  fail(error: Error): void {
    if (this.done) return;
    this.#settled.reject(error);
    this.#terminal = { type: "task", event: "failed", session_id: "", task_id: this.taskId, tool_name: this.toolName, result: error.message, protocol: "mcpc" };
    this.#wake?.();
  }

  #accept(message: McpcTaskMessage, fromServer: boolean): void {
    if (this.done) return;
    const seq = message.seq;
    if (seq !== undefined) {
      if (seq <= this.#lastSeq) return; // a duplicate: every event once
      if (seq > this.#lastSeq + 1) {
        this.missed += seq - this.#lastSeq - 1;
        if (!TERMINAL_EVENTS.has(message.event)) this.#owner.recover(this);
      }
      this.#lastSeq = seq;
    }
    // The task went on: whatever it asked was answered (or timed out on the server).
    this.#question = undefined;
    if (fromServer) this.#owner.deliver(message);
    this.#push(message);
  }

  #push(message: TaskHandleEvent): void {
    if (this.#buffer.length >= MAX_BUFFERED) {
      // Nobody is reading events(): the oldest goes, and is counted as missed.
      this.#buffer.shift();
      this.missed++;
    }
    this.#buffer.push(message);
    if (message.type === "task" && TERMINAL_EVENTS.has(message.event)) {
      this.#terminal = message;
      this.#settled.resolve(message);
    }
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
