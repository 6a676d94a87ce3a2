import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ErrorCode, type CallToolResult, type ServerNotification, type ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import { TERMINAL_EVENTS } from "../protocol/message.js";
import type { TaskEvent, TaskRunControls, TaskStartSpec } from "../tasks/taskRegistry.js";
import { newId } from "../util/ids.js";
import { TaskCallContext } from "../call/callContext.js";
import { CallProgress } from "../call/callProgress.js";
import type { CallSession } from "../call/callSession.js";
import { endResult } from "../call/toolResult.js";
import { WireError, toWireError } from "../call/wireError.js";
import type { BackgroundCall, Rung } from "./rung.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * A background tool called by a client that did not ask for MCPC: the same
 * task engine, each update sent as progress, the call answered with the return
 * value.
 *
 * One object per call is the task's start spec (its methods are the engine's
 * callbacks), its progress reporter and the call's abort listener, instead of a
 * closure for each: at K = 1,000 open calls the server holds K of these.
 */
export class FallbackCall extends CallProgress implements TaskStartSpec {
  readonly owner: string;
  /** Set where the session shares its owner (a principal): closing it stops just its own tasks. */
  readonly startedBy: string | undefined;
  readonly toolName: string;
  /** Minted here (as the engine would) so the session can track the task from its `created`. */
  readonly taskId: string;
  /** Settles with the task's terminal event. */
  readonly ended: Promise<TaskEvent>;
  readonly #tool: ToolDefinition;
  readonly #args: unknown;
  #end: ((event: TaskEvent) => void) | undefined;

  constructor(session: CallSession, tool: ToolDefinition, args: unknown, extra: Extra) {
    super(session, extra);
    this.owner = session.owner;
    this.startedBy = session.owner === session.id ? undefined : session.id;
    this.toolName = tool.name;
    this.taskId = newId();
    this.#tool = tool;
    this.#args = args;
    this.ended = new Promise((resolve) => (this.#end = resolve));
  }

  /** Runs the call to its answer. */
  async answer(): Promise<CallToolResult> {
    const { registry } = this.session.runtime;
    const { signal } = this.extra;
    await toWireError(registry.start(this));
    signal.addEventListener("abort", this, { once: true });
    // Cancelled while the task was being registered: the event has passed, so stop it now.
    if (signal.aborted) this.handleEvent();
    const end = await this.ended;
    signal.removeEventListener("abort", this);
    await this.barrier();
    // Nobody will read this task again: its answer is the record.
    registry.cleanup(this.owner, this.taskId).catch(() => undefined);
    return endResult(this.toolName, end.event, end.payload);
  }

  run(controls: TaskRunControls): AsyncGenerator<unknown, unknown, undefined> {
    return this.#tool.invoke(this.#args, new TaskCallContext(this.session, this.toolName, this.extra, controls, false)) as AsyncGenerator<unknown, unknown, undefined>;
  }

  onEvent(event: TaskEvent): Promise<void> | undefined {
    if (event.event === "update") return this.update(event.payload);
    if (TERMINAL_EVENTS.has(event.event)) this.#end?.(event);
    return undefined;
  }

  onHeartbeat(): void {
    this.beat();
  }

  /** The call was cancelled (`notifications/cancelled`): stop its task. */
  handleEvent(): void {
    this.session.runtime.registry.stop(this.owner, this.taskId, "Cancelled by the client").catch(() => undefined);
  }
}

/** The synchronous fallback: every call no other rung took (a plain client); it always accepts. */
export const fallbackRung: Rung = {
  name: "fallback",
  accepts: () => true,
  serve: ({ session, tool, args, extra }: BackgroundCall) => {
    if (tool.taskSupport === "required") {
      // Spec 2025-11-25: a tool whose task support is "required" is only called as a task.
      return Promise.reject(
        new WireError(
          ErrorCode.MethodNotFound,
          `Tool "${tool.name}" runs only as a task (execution.taskSupport is "required"): call it with "task": {} in the params, from a client that supports MCP tasks.`,
        ),
      );
    }
    return new FallbackCall(session, tool, args, extra).answer();
  },
};
