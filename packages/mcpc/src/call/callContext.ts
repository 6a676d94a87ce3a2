import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { TaskRunControls } from "../tasks/taskRegistry.js";
import type { CallSession } from "./callSession.js";
import { elicitFrom, sampleFrom, type SendClientRequest } from "./clientRequests.js";
import { createSleeper, type AskOptions, type TaskContext, type TaskInboxReader, type ToolContext } from "./context.js";
import { TaskInbox } from "./inbox.js";
import { McpcError } from "../errors.js";
import { z } from "zod";
import type { LogLevel, ToolLogger } from "../util/logger.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The `ctx` of one call. Its functions (`log`, `elicit`, `sample`, and a task's
 * `sleep` and `emit`) are made on first use and kept: most tools touch one or
 * two of them, and at thousands of live tasks a closure per member per task is
 * memory the server holds for nothing. They are getters, so destructuring
 * (`{ sleep, log }`) still hands out working functions.
 */
export class ToolCallContext implements ToolContext {
  readonly sessionId: string;
  protected readonly session: CallSession;
  protected readonly toolName: string;
  protected readonly extra: Extra;
  #log: ToolLogger | undefined;
  #elicit: ToolContext["elicit"] | undefined;
  #sample: ToolContext["sample"] | undefined;

  constructor(session: CallSession, toolName: string, extra: Extra) {
    this.sessionId = session.id;
    this.session = session;
    this.toolName = toolName;
    this.extra = extra;
  }

  /** The call's signal (a task's: its own, see {@link TaskCallContext}). */
  get signal(): AbortSignal {
    return this.extra.signal;
  }

  get log(): ToolLogger {
    return (this.#log ??= toolLogger(this.session, this.toolName, this.extra.requestId));
  }

  get elicit(): ToolContext["elicit"] {
    return (this.#elicit ??= (message, schema, options) =>
      this.askClient(() => elicitFrom(this.session.server, this.sendRequest, this.toolName, this.signal, message, schema, options)));
  }

  get sample(): ToolContext["sample"] {
    return (this.#sample ??= (request, options) =>
      this.askClient(() => sampleFrom(this.session.server, this.sendRequest, this.toolName, this.signal, request, options)));
  }

  /** How `elicit` and `sample` reach the client: on the call's own stream. */
  protected get sendRequest(): SendClientRequest {
    return this.extra.sendRequest;
  }

  /** Runs one request to the client (`elicit`, `sample`); a task's context marks the task waiting meanwhile. */
  protected askClient<T>(ask: () => Promise<T>): Promise<T> {
    return ask();
  }
}

/**
 * The `task` of one background task: a {@link ToolCallContext} with the task's
 * id, `sleep` and `emit`. While its `elicit` or `sample` waits for the client,
 * the task's status is `input_required`.
 */
export class TaskCallContext extends ToolCallContext implements TaskContext {
  readonly taskId: string;
  readonly #controls: TaskRunControls;
  #sleep: TaskContext["sleep"] | undefined;
  #emit: TaskContext["emit"] | undefined;
  #inbox: TaskInboxReader | undefined;
  #ask: TaskContext["ask"] | undefined;
  /** Requests to the client not answered yet: a tool may ask several at once. */
  #asking = 0;
  readonly #callAnswered: boolean;

  /** `callAnswered`: the call was answered when the task started (`created`), so its stream is not the task's to use. */
  constructor(session: CallSession, toolName: string, extra: Extra, controls: TaskRunControls, callAnswered: boolean) {
    super(session, toolName, extra);
    this.taskId = controls.taskId;
    this.#controls = controls;
    this.#callAnswered = callAnswered;
  }

  protected override get sendRequest(): SendClientRequest {
    if (!this.#callAnswered) return super.sendRequest;
    const { server } = this.session;
    return (request, resultSchema, options) => server.request(request, resultSchema, options);
  }

  /** The task's signal: aborted when the task is stopped (made when first read). */
  override get signal(): AbortSignal {
    return this.#controls.signal;
  }

  get sleep(): TaskContext["sleep"] {
    // On the task's stop switch, not its signal: sleeping does not make an AbortController.
    return (this.#sleep ??= createSleeper(this.#controls));
  }

  protected override async askClient<T>(ask: () => Promise<T>): Promise<T> {
    const { registry } = this.session.runtime;
    if (this.#asking++ === 0) registry.setWaitingForInput(this.session.owner, this.taskId, true);
    try {
      return await ask();
    } finally {
      if (--this.#asking === 0) registry.setWaitingForInput(this.session.owner, this.taskId, false);
    }
  }

  /** The task's inbox (made when first read; a message sent earlier made it already). */
  get inbox(): TaskInboxReader {
    return (this.#inbox ??= this.#ensureInbox());
  }

  get ask(): TaskContext["ask"] {
    return (this.#ask ??= ((question, schema, options) => this.#askUser(question, schema, options)) as TaskContext["ask"]);
  }

  #ensureInbox(): TaskInbox {
    const { runtime, owner } = this.session;
    const accepts = runtime.tools.get(this.toolName)?.accepts;
    const inbox = runtime.inboxes?.ensure(owner, this.taskId, accepts) ?? new TaskInbox(undefined, 1);
    inbox.bind(this.#controls);
    return inbox;
  }

  async #askUser(question: string, schema: z.ZodType, options: AskOptions = {}): Promise<unknown> {
    const { server, runtime } = this.session;
    if (server.getClientCapabilities()?.elicitation && isObjectSchema(schema)) {
      const answer = await this.elicit(question, schema, options);
      if (answer.action === "accept") return answer.content;
      throw new McpcError("QUESTION_DECLINED", `The user ${answer.action === "decline" ? "declined" : "cancelled"} the question "${question}".`);
    }
    if (!runtime.inboxes || !this.#answerable()) {
      const client = server.getClientVersion()?.name ?? "the client";
      throw new McpcError(
        "CLIENT_CAPABILITY_MISSING",
        `Tool "${this.toolName}" asked "${question}", but ${client} cannot answer: it declared no elicitation, and ` +
          (this.session.legacy ? "the Python mcpc dialect has no way to send a task a message." : "job handles (its task_send tool) are off on this server."),
      );
    }
    this.#inbox ??= this.#ensureInbox();
    const inbox = this.#inbox as TaskInbox;
    const jsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    delete jsonSchema.$schema;
    // The question is set before the status changes: whoever reports input_required reads it.
    const answer = inbox.ask(question, schema, jsonSchema, options.timeoutMs ?? runtime.inboxes.questionTimeoutMs);
    return this.askClient(() => answer);
  }

  /** Whether this session can send the task an answer: a native MCPC client (mcpc/tasks/send), or any other but the Python dialect through task_send. */
  #answerable(): boolean {
    if (this.session.native) return true;
    return this.session.legacy === undefined && this.session.runtime.jobHandles !== undefined;
  }

  get emit(): TaskContext["emit"] {
    return (this.#emit ??= (event, payload) => {
      this.session.runtime.emit(event, payload, { sessionId: this.session.id }, this.extra.requestId);
    });
  }
}

function toolLogger(session: CallSession, toolName: string, requestId: string | number): ToolLogger {
  const at = (level: LogLevel) => (message: string, data?: unknown) => session.log(level, toolName, message, data, requestId);
  return { debug: at("debug"), info: at("info"), warning: at("warning"), error: at("error") };
}

function isObjectSchema(schema: z.ZodType): schema is z.ZodObject {
  return (schema as { _zod?: { def?: { type?: unknown } } })._zod?.def?.type === "object";
}
