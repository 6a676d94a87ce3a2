import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { ErrorCode, McpError, TaskSchema, type ProgressNotificationParams, type Task } from "@modelcontextprotocol/sdk/types.js";
import { McpcError } from "../errors.js";
import type { TaskSnapshot } from "../protocol/message.js";
import { toLocalError } from "./answers.js";
import { McpTaskCall } from "./mcpTaskCall.js";
import { isTerminalStatus, snapshotOfTask } from "./mcpTaskSnapshot.js";
import type { TaskHandle } from "./taskHandle.js";
import type { SendOutcome } from "./taskInput.js";
import type { ToolTaskCatalog } from "./toolTaskSupport.js";

/** Tool names remembered for tasks whose calls ended, so `check` and `list` can still name them. */
const REMEMBERED_NAMES = 1_000;

/** What {@link McpTasks.call} needs beyond the tool and its arguments. */
export interface McpTaskCallRequest {
  ttl?: number;
  request?: RequestOptions;
  wrapped: boolean;
}

/** What {@link McpTasks} asks of its client. */
export interface McpTasksOwner {
  /** Stops the client's transport routing a call's progress token. */
  release(localId: string): void;
  /** Sends a task a message through the server's send tool (`tool`, when the task named it). */
  send(taskId: string, message: unknown, tool: string | undefined): Promise<SendOutcome>;
}

/**
 * The client's side of MCP tasks (2025-11-25, SEP-1686) on a server without
 * MCPC: which tools run as tasks, the calls in flight (routed by the client's
 * transport: progress by call, status by task id), and `check` / `stop` / `list`
 * through `tasks/get`, `tasks/cancel` and `tasks/list`.
 */
export class McpTasks {
  readonly #sdk: Client;
  readonly #catalog: ToolTaskCatalog;
  readonly #owner: McpTasksOwner;
  readonly #byLocal = new Map<string, McpTaskCall>();
  readonly #byTask = new Map<string, McpTaskCall>();
  readonly #names = new Map<string, string>();

  /** `catalog`: the client's view of the server's tools, shared (it also finds the send tool). */
  constructor(sdk: Client, catalog: ToolTaskCatalog, owner: McpTasksOwner) {
    this.#sdk = sdk;
    this.#catalog = catalog;
    this.#owner = owner;
  }

  /** True when the server declared tasks for `tools/call` (a `tools/list` on first use tells which tools take them). */
  get offered(): boolean {
    return this.#capability()?.requests?.tools?.call !== undefined;
  }

  /** True when the server declared tasks and lists `name` with `execution.taskSupport` `optional` or `required`. */
  async runsAsTask(name: string): Promise<boolean> {
    if (!this.offered) return false;
    return (await this.#catalog.supportOf(name)) !== "forbidden";
  }

  /** Calls the tool as an MCP task; resolves with its handle once the server answered. */
  call(name: string, args: Record<string, unknown>, options: McpTaskCallRequest): Promise<TaskHandle> {
    const call = new McpTaskCall({
      sdk: this.#sdk,
      toolName: name,
      args,
      ttl: options.ttl,
      request: options.request,
      wrapped: options.wrapped,
      routes: {
        named: (named) => {
          if (named.taskId !== undefined) this.#byTask.set(named.taskId, named);
        },
        ended: (ended) => this.#ended(ended),
      },
      send: (taskId, message, tool) => this.#owner.send(taskId, message, tool),
    });
    this.#byLocal.set(call.localId, call);
    return call.start();
  }

  /** A progress notification for the call `localId`; false when no MCP task call has that id. */
  onProgress(localId: string, params: ProgressNotificationParams): boolean {
    const call = this.#byLocal.get(localId);
    call?.acceptProgress(params);
    return call !== undefined;
  }

  /** The raw answer to the call `localId`, before the SDK reads it. */
  onAnswer(localId: string, result: Record<string, unknown>): void {
    this.#byLocal.get(localId)?.acceptAnswer(result);
  }

  /** A `notifications/tasks/status` (ignored unless it is valid and names a task of a call in flight). */
  onStatus(params: Record<string, unknown>): void {
    const parsed = TaskSchema.safeParse(params);
    if (parsed.success) this.#byTask.get(parsed.data.taskId)?.acceptStatus(parsed.data);
  }

  /** True when the server declared the request behind `check` (tasks at all), `stop` (`tasks.cancel`) or `list` (`tasks.list`). */
  supports(what: "check" | "stop" | "list"): boolean {
    const tasks = this.#capability();
    if (what === "check") return tasks !== undefined;
    return (what === "stop" ? tasks?.cancel : tasks?.list) !== undefined;
  }

  /** `tasks/get`, as a snapshot; a task of a call in flight also updates its handle. */
  async check(taskId: string): Promise<TaskSnapshot> {
    const task = await this.#ask(taskId, () => this.#sdk.experimental.tasks.getTask(taskId));
    const call = this.#byTask.get(taskId);
    if (call) {
      call.acceptStatus(task);
      return call.snapshot();
    }
    return snapshotOfTask(task, this.#names.get(taskId) ?? "", 0);
  }

  /** `tasks/cancel`; for a call in flight, resolves once its handle has ended `cancelled`. `stopped` is false for a task that had already ended. */
  async stop(taskId: string): Promise<{ task: TaskSnapshot; stopped: boolean }> {
    const call = this.#byTask.get(taskId);
    if (call) return call.cancel();
    const name = this.#names.get(taskId) ?? "";
    try {
      const task = await this.#ask(taskId, () => this.#sdk.experimental.tasks.cancelTask(taskId));
      return { task: snapshotOfTask(task, name, 0), stopped: task.status === "cancelled" };
    } catch (error) {
      // Refused, most likely because the task had ended: the server's view decides.
      const now = await this.#sdk.experimental.tasks.getTask(taskId).catch(() => undefined);
      if (!now || !isTerminalStatus(now.status)) throw error;
      return { task: snapshotOfTask(now, name, 0), stopped: false };
    }
  }

  /** Every page of `tasks/list`, as snapshots. */
  async list(): Promise<TaskSnapshot[]> {
    const snapshots: TaskSnapshot[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#ask(undefined, () => this.#sdk.experimental.tasks.listTasks(cursor));
      for (const task of page.tasks) snapshots.push(this.#snapshot(task));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return snapshots;
  }

  /** Stops following every task (the connection closed): their handles' `result()` reject. */
  closeAll(): void {
    for (const call of [...this.#byLocal.values()]) call.close();
    this.#catalog.forget();
  }

  #snapshot(task: Task): TaskSnapshot {
    const call = this.#byTask.get(task.taskId);
    return call ? call.snapshot() : snapshotOfTask(task, this.#names.get(task.taskId) ?? "", 0);
  }

  #ended(call: McpTaskCall): void {
    this.#byLocal.delete(call.localId);
    this.#owner.release(call.localId);
    const taskId = call.taskId;
    if (taskId === undefined) return;
    this.#byTask.delete(taskId);
    this.#names.set(taskId, call.toolName);
    if (this.#names.size > REMEMBERED_NAMES) {
      const oldest = this.#names.keys().next();
      if (!oldest.done) this.#names.delete(oldest.value);
    }
  }

  #capability(): { list?: object; cancel?: object; requests?: { tools?: { call?: object } } } | undefined {
    return this.#sdk.getServerCapabilities()?.tasks;
  }

  /** Runs a task request; "not found" becomes `UNKNOWN_TASK`, as on the native requests. */
  async #ask<T>(taskId: string | undefined, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (taskId !== undefined && error instanceof McpError && error.code === ErrorCode.InvalidParams && /not found/i.test(error.message)) {
        throw new McpcError("UNKNOWN_TASK", `Task "${taskId}" is unknown to the server (it never existed, expired, or belongs to another session).`, { cause: error });
      }
      throw toLocalError(error);
    }
  }
}
