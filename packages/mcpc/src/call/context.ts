import type { CreateMessageRequestParamsBase, CreateMessageResult } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { McpcError } from "../errors.js";
import { signalStopSource, type StopListener, type StopSource } from "../tasks/taskControl.js";
import type { ObjectSchema } from "../decorators/toolOptions.js";
import type { ToolLogger } from "../util/logger.js";

/**
 * The user's answer to {@link ToolContext.elicit}: `accept` with the content
 * (validated against the schema), or `decline` / `cancel` with none.
 */
export type ElicitResult<T> = { readonly action: "accept"; readonly content: T } | { readonly action: "decline" | "cancel"; readonly content?: undefined };

/** Options of {@link ToolContext.elicit} and {@link ToolContext.sample}. */
export interface ClientRequestOptions {
  /** How long to wait for the client's answer. Default: the SDK's 60 s. A human may need longer. */
  timeoutMs?: number;
}

/** What {@link ToolContext.sample} sends: the SDK's `sampling/createMessage` params (`messages`, `maxTokens`, `systemPrompt`, …). */
export type SampleRequest = CreateMessageRequestParamsBase;

/** What {@link ToolContext.sample} resolves with: the SDK's `CreateMessageResult` (`role`, `content`, `model`, `stopReason`). */
export type SampleResult = CreateMessageResult;

/**
 * What every tool method receives as its second argument.
 *
 * @example
 * ```ts
 * @Tool({ description: "Fetch a page" , input: z.object({ url: z.string() }) })
 * async fetchPage({ url }: { url: string }, ctx: ToolContext) {
 *   ctx.log.info(`fetching ${url}`);
 *   return (await fetch(url, { signal: ctx.signal })).text();
 * }
 * ```
 */
export interface ToolContext {
  /** Aborted when the call is cancelled, the task stopped, or the server shuts down. */
  readonly signal: AbortSignal;
  /** The session (connection) that made the call. */
  readonly sessionId: string;
  /** Logs to stderr and, where the client asked for logs, to the client. */
  readonly log: ToolLogger;
  /**
   * Asks the user for input (`elicitation/create`, on the call's own stream) with a
   * form described by a flat zod object schema, and resolves with the answer; accepted
   * content is validated against the schema.
   * @throws McpcError `CLIENT_CAPABILITY_MISSING` when the client did not declare `elicitation`;
   *   `INVALID_CLIENT_RESPONSE` when accepted content does not match the schema.
   */
  elicit<S extends ObjectSchema>(message: string, schema: S, options?: ClientRequestOptions): Promise<ElicitResult<z.output<S>>>;
  /**
   * Asks the client's model for a completion (`sampling/createMessage`, on the call's own stream).
   * @throws McpcError `CLIENT_CAPABILITY_MISSING` when the client did not declare `sampling`.
   */
  sample(request: SampleRequest, options?: ClientRequestOptions): Promise<SampleResult>;
}

/**
 * What a `@Resource` method receives as its second argument.
 *
 * @example
 * ```ts
 * @Resource({ uriTemplate: "notes://{id}" })
 * note({ id }: { id: string }, ctx: ResourceContext) { return `${ctx.uri}: note ${id}`; }
 * ```
 */
export interface ResourceContext {
  /** The URI being read. */
  readonly uri: string;
  /** Aborted when the read is cancelled or the session closes. */
  readonly signal: AbortSignal;
  /** The session (connection) that reads. */
  readonly sessionId: string;
}

/**
 * What a `@Prompt` method receives as its second argument.
 *
 * @example
 * ```ts
 * @Prompt({ description: "Greet", args: z.object({ name: z.string() }) })
 * greet({ name }: { name: string }, ctx: PromptContext) { return `Say hello to ${name} (session ${ctx.sessionId}).`; }
 * ```
 */
export interface PromptContext {
  /** Aborted when the request is cancelled or the session closes. */
  readonly signal: AbortSignal;
  /** The session (connection) that asks. */
  readonly sessionId: string;
}

/**
 * What a background tool receives: the {@link ToolContext} plus its task.
 *
 * @example
 * ```ts
 * @Tool({ description: "Watch forever", background: true })
 * async *watch(_: object, task: TaskContext) {
 *   for (;;) { await task.sleep(60_000); task.emit("alert", { at: Date.now() }); yield "still watching"; }
 * }
 * ```
 */
export interface TaskContext extends ToolContext {
  /** The task's id, as the client sees it. */
  readonly taskId: string;
  /** Waits `ms` milliseconds; rejects with a `TASK_STOPPED` McpcError as soon as the task is stopped. */
  sleep(ms: number): Promise<void>;
  /** Sends a server event to the session that started this task. */
  emit(event: string, payload?: unknown): void;
  /**
   * The messages sent to this task while it runs, in order, each exactly once:
   * `for await (const message of task.inbox)` (ends when the task is stopped), or
   * `task.inbox.poll()` to take one without waiting. Validated against the tool's
   * `accepts` schema before they are queued. Empty for a tool without `accepts`.
   */
  readonly inbox: TaskInboxReader;
  /**
   * Asks the user a question and waits for the answer, on whatever rung the task
   * runs: an elicitation where the client supports it (an object schema), else
   * the question goes out with the task (an `input_required` event for MCPC
   * clients, the status of an MCP task, `task_status` for a plain host) and the
   * answer comes back as a message (`mcpc/tasks/send`, `task_send`). The task's
   * status is `input_required` meanwhile.
   * @throws McpcError `QUESTION_TIMEOUT` when nobody answers within `timeoutMs`
   *   (default: the server's `inbox.questionTimeoutMs`, 10 minutes); `QUESTION_DECLINED`
   *   when the user declines an elicitation; `CLIENT_CAPABILITY_MISSING` when this
   *   client has no way to answer; `TASK_STOPPED` when the task is stopped meanwhile.
   */
  ask<S extends z.ZodType>(question: string, schema: S, options?: AskOptions): Promise<z.output<S>>;
}

/** Options of {@link TaskContext.ask}. */
export interface AskOptions {
  /** How long to wait for the answer (ms). Default: the server's `inbox.questionTimeoutMs`. */
  timeoutMs?: number;
}

/** What a task reads its messages from (`task.inbox`). */
export interface TaskInboxReader<T = unknown> extends AsyncIterable<T> {
  /** Messages waiting to be read. */
  readonly size: number;
  /** The next message without waiting, or undefined when none waits. */
  poll(): T | undefined;
  /** The next message; waits for one. Undefined once the task is stopped. */
  next(): Promise<T | undefined>;
}

interface PendingSleep {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  sleeper: Sleeper;
}

/**
 * The `sleep` of one task: a timer per call, and one abort listener for the
 * task's whole life (an AbortSignal listener costs far more than a timer, and a
 * polling task sleeps thousands of times).
 */
export function createSleeper(stop: AbortSignal | StopSource): (ms: number) => Promise<void> {
  return new Sleeper(stop instanceof AbortSignal ? signalStopSource(stop) : stop).sleep;
}

/**
 * What {@link createSleeper} hands out. A task almost always has one sleep at a
 * time: that one sits in a field, only concurrent sleeps get a set. The timer
 * callback is shared (the sleep rides as its argument), so a sleep costs its
 * promise and one small record.
 */
class Sleeper implements StopListener {
  readonly #stop: StopSource;
  #one: PendingSleep | undefined;
  #more: Set<PendingSleep> | undefined;
  #listening = false;

  constructor(stop: StopSource) {
    this.#stop = stop;
  }

  readonly sleep = (ms: number): Promise<void> => {
    const stop = this.#stop;
    if (stop.aborted) return Promise.reject(stoppedError(stop));
    if (!this.#listening) {
      this.#listening = true;
      stop.onStop(this);
    }
    return new Promise<void>((resolve, reject) => {
      const sleep: PendingSleep = { resolve, reject, timer: undefined, sleeper: this };
      sleep.timer = setTimeout(wake, ms, sleep);
      if (this.#one === undefined) this.#one = sleep;
      else (this.#more ??= new Set()).add(sleep);
    });
  };

  /** Called when the task is stopped: every pending sleep rejects at once. */
  handleEvent(): void {
    const error = stoppedError(this.#stop);
    const all = this.#one ? [this.#one, ...(this.#more ?? [])] : [...(this.#more ?? [])];
    this.#one = undefined;
    this.#more = undefined;
    for (const sleep of all) {
      clearTimeout(sleep.timer);
      sleep.reject(error);
    }
  }

  forget(sleep: PendingSleep): void {
    if (this.#one === sleep) this.#one = undefined;
    else this.#more?.delete(sleep);
  }
}

function wake(sleep: PendingSleep): void {
  sleep.sleeper.forget(sleep);
  sleep.resolve();
}

function stoppedError(stop: StopSource): Error {
  return stop.reason instanceof Error ? stop.reason : new McpcError("TASK_STOPPED", "Task stopped.");
}
