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
import { WireError, asWireError } from "../call/wireError.js";
import { ABANDONED_REASON } from "../call/cancelReasons.js";
import type { BackgroundCall, Rung } from "./rung.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * A call that hands its task over instead of waiting for it to end (the job-handle
 * rung): after `afterMs` it is answered with `answer(…)` and the task runs on.
 */
export interface Handoff {
  readonly afterMs: number;
  answer(session: CallSession, owner: string, taskId: string): Promise<CallToolResult>;
}

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
  readonly #tool: ToolDefinition;
  readonly #args: unknown;
  readonly #handoff: Handoff | undefined;
  /** Set once the call was answered with a handle: its token and its cancel no longer concern the task. */
  #handedOff = false;
  /** The handoff's timer, while the call waits for the end with a handoff. */
  #handoffTimer: NodeJS.Timeout | undefined;
  /** A question came before the call began to wait (the task can ask while `start` is still being answered). */
  #askedEarly = false;
  /** Settles {@link #settled}: with the terminal event, or with undefined when the handoff's time came first. */
  #end: ((event: TaskEvent | undefined) => void) | undefined;
  /** One promise for both ways the wait ends (no race of two, no closure per call for the timer). */
  readonly #settled: Promise<TaskEvent | undefined>;

  constructor(session: CallSession, tool: ToolDefinition, args: unknown, extra: Extra, handoff?: Handoff) {
    super(session, extra);
    this.owner = session.owner;
    this.startedBy = session.owner === session.id ? undefined : session.id;
    this.toolName = tool.name;
    this.taskId = newId();
    this.#tool = tool;
    this.#args = args;
    this.#handoff = handoff;
    this.#settled = new Promise((resolve) => (this.#end = resolve));
  }

  /** Runs the call to its answer. */
  async answer(): Promise<CallToolResult> {
    const { registry } = this.session.runtime;
    const { signal } = this.extra;
    // Not through toWireError: one async wrapper (a promise and its turns) less per call.
    try {
      await registry.start(this);
    } catch (error) {
      throw asWireError(error);
    }
    signal.addEventListener("abort", this, { once: true });
    // Cancelled while the task was being registered: the event has passed, so stop it now.
    if (signal.aborted) this.handleEvent();
    const handoff = this.#handoff;
    if (handoff) this.#handoffTimer = setTimeout(handOver, this.#askedEarly ? 0 : handoff.afterMs, this);
    const end = await this.#settled;
    clearTimeout(this.#handoffTimer);
    // The abort listener stays (removing it cost ~2.5 µs a call): it ignores whatever comes after the end
    // or the handoff (handleEvent), and once the answer went out the SDK never aborts this signal.

    // No end means the handoff's time came first: the task is handed over and runs on.
    if (end === undefined) return (handoff as Handoff).answer(this.session, this.owner, this.taskId);
    await this.barrier();
    // Nobody will read this task again: its answer is the record. With handles on, a host that
    // stopped waiting without a cancel may still look for it (task_status lists the session's tasks).
    if (!handoff) registry.cleanup(this.owner, this.taskId).catch(() => undefined);
    return endResult(this.toolName, end.event, end.payload);
  }

  /** Ends the wait without the terminal event: the handoff's time came (or a question), the task is handed over. */
  handOver(): void {
    const end = this.#end;
    if (!end) return;
    this.#end = undefined;
    // From now on the call's token is spent: updates are read through the handle.
    this.#handedOff = true;
    end(undefined);
  }

  run(controls: TaskRunControls): AsyncGenerator<unknown, unknown, undefined> {
    return this.#tool.invoke(this.#args, new TaskCallContext(this.session, this.toolName, this.extra, controls, false)) as AsyncGenerator<unknown, unknown, undefined>;
  }

  onEvent(event: TaskEvent): Promise<void> | undefined {
    // After a handoff the call's token is spent: the task's progress is read through the handle.
    if (event.event === "update") return this.#handedOff ? undefined : this.update(event.payload);
    if (TERMINAL_EVENTS.has(event.event)) {
      const end = this.#end;
      this.#end = undefined;
      end?.(event);
    }
    return undefined;
  }

  /** A task that asks (`task.ask`) is handed over at once: its host answers through the handle's send tool, and this call cannot carry that. */
  onStatus(status: "working" | "input_required"): void {
    if (status !== "input_required" || !this.#handoff) return;
    if (this.#handoffTimer !== undefined) this.handOver();
    else this.#askedEarly = true;
  }

  onHeartbeat(): void {
    if (!this.#handedOff) this.beat();
  }

  /**
   * The call was cancelled (`notifications/cancelled`): stop its task. With a
   * handoff, a call whose HTTP request was merely closed keeps its task: the host
   * gave up waiting, and the task stays reachable through its handle.
   */
  handleEvent(): void {
    // Ended (nothing to stop), or handed over (the host follows it through its handle from now on).
    if (this.#end === undefined) return;
    if (this.#handoff && this.extra.signal.reason === ABANDONED_REASON) return;
    this.session.runtime.registry.stop(this.owner, this.taskId, "Cancelled by the client").catch(() => undefined);
  }
}

/** The handoff timer's one callback: the call rides as its argument. */
function handOver(call: FallbackCall): void {
  call.handOver();
}

/** Refuses a plain call of a tool whose task support is "required"; undefined when it may be served. */
export function requiredTaskRefusal(tool: ToolDefinition): WireError | undefined {
  if (tool.taskSupport !== "required") return undefined;
  return new WireError(
    ErrorCode.MethodNotFound,
    `Tool "${tool.name}" runs only as a task (execution.taskSupport is "required"): call it with "task": {} in the params, from a client that supports MCP tasks.`,
  );
}

/** The synchronous fallback: every call no other rung took (a plain client); it always accepts. */
export const fallbackRung: Rung = {
  name: "fallback",
  accepts: () => true,
  serve: ({ session, tool, args, extra }: BackgroundCall) => {
    const refused = requiredTaskRefusal(tool);
    if (refused) return Promise.reject(refused);
    return new FallbackCall(session, tool, args, extra).answer();
  },
};
