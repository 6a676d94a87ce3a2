import { randomUUID } from "node:crypto";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, ProgressNotificationParams } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { McpcError } from "../errors.js";
import { GetResult, ListResult, StopResult, localMessage, readCreated, readResult, toLocalError } from "./answers.js";
import {
  MCPC_CAPABILITY,
  MCPC_METHODS,
  MCPC_NATIVE_VERSION,
  MCPC_TASK_META,
  isMcpcMessage,
  type McpcServerEventMessage,
  type McpcWireMessage,
  type TaskSnapshot,
} from "../protocol/message.js";
import { buildLegacyTag, tagArgumentFor } from "../protocol/legacy.js";
import { LOCAL_HANDLE_META, McpcClientTransport } from "./clientTransport.js";
import { negotiateLegacy, type LegacyServer } from "./legacyHandshake.js";
import { McpTasks } from "./mcpTasks.js";
import { TaskHandle, type TaskHandleEvent } from "./taskHandle.js";
import { SendResult, cannotSend, sendThroughTool, type SendOutcome } from "./taskInput.js";
import { ToolTaskCatalog } from "./toolTaskSupport.js";
import type { CallToolOptions, McpcClientOptions, McpcDialect, McpcListener } from "./clientOptions.js";
import { requestNative } from "./nativeRequest.js";
import { readTaskEvents, replayTaskEvents, type LoggedTaskEvent, type ReplayOptions } from "./taskReplay.js";

/**
 * The MCPC client: wraps an SDK `Client`, declares MCPC, tags tool calls,
 * and delivers task and server events to listeners and per-call handles.
 * Against a server without MCPC it uses MCP tasks (2025-11-25) for the tools the
 * server runs as tasks, and plain calls otherwise, with the same handles.
 *
 * @example
 * ```ts
 * const client = new McpcClient(new Client({ name: "app", version: "1.0.0" }));
 * const serverEvents: McpcMessage[] = [];
 * client.on((message) => { if (message.type === "server_event") serverEvents.push(message); });
 * await client.connect(new StdioClientTransport({ command: "node", args: ["server.js"] }));
 * const task = await client.callTool("process_data", { url: "https://example.com" });
 * for await (const event of task.events()) progressBar.update(event);
 * ```
 */
export class McpcClient {
  /** The wrapped SDK client, for everything MCPC does not change (resources, prompts, ...). */
  readonly sdk: Client;
  readonly #listeners = new Set<McpcListener>();
  readonly #handles = new Map<string, TaskHandle>();
  /** The server's id for this session, learned from the first MCPC message. */
  #sessionId = "";
  readonly #probeLegacy: boolean;
  /** Set when the server answered a legacy handshake. */
  #legacy: LegacyServer | undefined;
  /** The SDK client reads through our transport (set by {@link wrapStreams}): it delivers calls' progress. */
  #wrapped = false;
  /** Handles of calls not answered yet, by handle id: their progress notifications become `update`s. */
  readonly #callsInFlight = new Map<string, TaskHandle>();
  /** Our session id in legacy call tags (the dialect lets the client choose it). */
  readonly #legacySessionId = randomUUID();
  /** MCP tasks (SEP-1686) on servers without MCPC; undefined when turned off. */
  readonly #mcpTasks: McpTasks | undefined;
  /** The server's tools as far as MCPC cares: which run as MCP tasks, which one sends a task a message. */
  readonly #catalog: ToolTaskCatalog;
  #transport: McpcClientTransport | undefined;

  constructor(client: Client, options: McpcClientOptions = {}) {
    this.sdk = client;
    this.#probeLegacy = options.legacy ?? true;
    this.#catalog = new ToolTaskCatalog(client);
    if (options.mcpTasks ?? true) {
      this.#mcpTasks = new McpTasks(client, this.#catalog, {
        release: (localId) => this.#transport?.release(localId),
        send: (taskId, message, tool) => this.#sendThroughTool(taskId, message, tool),
      });
    }
    // Must happen before connect(): capabilities are sent in initialize. `tasks: {}` says we take
    // tasks for our calls, and serve none of our own (no list, cancel or task-augmented requests).
    client.registerCapabilities({
      experimental: { [MCPC_CAPABILITY]: { version: MCPC_NATIVE_VERSION } },
      ...(this.#mcpTasks && { tasks: {} }),
    });
  }

  /**
   * Connects through `transport` (decorated so MCPC messages are read before the
   * SDK's protocol layer) and negotiates: the native capability, else (unless
   * `legacy: false`) the legacy handshake.
   */
  async connect(transport: Transport, options?: RequestOptions): Promise<void> {
    await this.sdk.connect(this.wrapStreams(transport), options);
    if (this.#probeLegacy) await this.initMcpc();
  }

  /** True when the server speaks MCPC, in either dialect. */
  get mcpcEnabled(): boolean {
    return this.dialect !== "plain";
  }

  /** The dialect of this connection: `native` (the server declared the capability), `legacy` (it answered a handshake tool) or `plain`. */
  get dialect(): McpcDialect {
    const experimental = this.sdk.getServerCapabilities()?.experimental as Record<string, unknown> | undefined;
    if (typeof experimental?.[MCPC_CAPABILITY] === "object" && experimental[MCPC_CAPABILITY] !== null) return "native";
    return this.#legacy ? "legacy" : "plain";
  }

  /** The MCPC version the server reported (`"1.0"` natively, its package version in the legacy dialect), if it speaks MCPC. */
  get protocolVersion(): string | undefined {
    const dialect = this.dialect;
    return dialect === "native" ? MCPC_NATIVE_VERSION : dialect === "legacy" ? this.#legacy?.info.mcpc_version : undefined;
  }

  // The Python `MCPCHandler` names, for code moving over from it (docs/client.md#migrating-from-python).

  /** Python `wrap_streams`: the transport to connect the SDK client through yourself (then call {@link initMcpc}). */
  wrapStreams(transport: Transport): Transport {
    this.#wrapped = true;
    const tasks = this.#mcpTasks;
    this.#transport = new McpcClientTransport(transport, {
      onMcpcMessage: (message) => this.#onMessage(message),
      onTaggedAnswer: (taskId, result) => this.#onTaggedAnswer(taskId, result),
      onProgress: (handleId, params) => this.#onProgress(handleId, params),
      onTaskAnswer: (handleId, result) => tasks?.onAnswer(handleId, result),
      onTaskStatus: (params) => tasks?.onStatus(params),
      onToolListChanged: () => this.#catalog.forget(),
      // A closed connection ends the MCP tasks' polling now, not at their next poll.
      onClose: () => tasks?.closeAll(),
    });
    return this.#transport;
  }

  /**
   * Python `init_mcpc`: after connecting, finds out whether the server speaks
   * MCPC (native capability, else a legacy handshake tool, newest first).
   */
  async initMcpc(): Promise<boolean> {
    if (this.dialect === "native") return true;
    this.#legacy = await negotiateLegacy(this.sdk, "mcpc (TypeScript)");
    return this.#legacy !== undefined;
  }

  /** Python `check_mcpc_support` (0.1.x): the same as {@link initMcpc}. */
  checkMcpcSupport(): Promise<boolean> {
    return this.initMcpc();
  }

  /** Python `add_event_listener`: the same as {@link on}. */
  addEventListener(listener: McpcListener): () => void {
    return this.on(listener);
  }

  /**
   * Python `add_metadata`: `args` with this dialect's call tag and a new task id,
   * for calls made through `client.sdk` yourself. Unchanged unless the server
   * speaks the legacy dialect (native tags travel in `_meta`; {@link callTool} adds them).
   */
  addMetadata(args: Record<string, unknown>, sessionId: string = this.#legacySessionId): Record<string, unknown> {
    if (!this.#legacy) return { ...args };
    const argument = tagArgumentFor(this.#legacy.tool);
    return { ...args, [argument]: buildLegacyTag(argument, sessionId, randomUUID()) };
  }

  #onProgress(handleId: string, params: ProgressNotificationParams): void {
    if (this.#mcpTasks?.onProgress(handleId, params)) return;
    const handle = this.#callsInFlight.get(handleId);
    if (!handle) return;
    const { progressToken: _token, _meta: _none, ...progress } = params;
    handle.acceptLocal(localMessage("update", handleId, handle.toolName, progress));
  }

  /** Adds a listener for every MCPC message (each exactly once); returns a function that removes it. */
  on(listener: McpcListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls a tool. On an MCPC server a background tool answers `created` at once
   * and the handle streams its events. On a server without MCPC that offers MCP
   * tasks, a tool it lists with `taskSupport` `optional` or `required` runs as an
   * MCP task (mode `mcp-task`: the first such call lists the tools once). Any other
   * tool (or server) answers synchronously, and the handle ends with that answer.
   */
  async callTool(name: string, args: Record<string, unknown> = {}, options: CallToolOptions = {}): Promise<TaskHandle> {
    // MCPC first: only a server without it (in either dialect) gets MCP tasks.
    const tasks = this.#mcpTasks;
    if (tasks && options.mcpTask !== false && this.dialect === "plain" && (await tasks.runsAsTask(name))) {
      return tasks.call(name, args, { ttl: options.mcpTask?.ttl, request: options.request, wrapped: this.#wrapped });
    }
    const taskId = options.taskId ?? randomUUID();
    if (this.#handles.has(taskId)) {
      throw new McpcError("DUPLICATE_TASK", `Task id "${taskId}" is already in use by this client; choose another.`);
    }
    const handle = new TaskHandle(taskId, name, {
      deliver: (message) => this.#deliver(message),
      recover: (h) => this.#recover(h),
      stop: (id) => this.stop(id),
      send: (id, message) => this.send(id, message),
    });
    const dialect = this.dialect;
    const mcpc = dialect !== "plain";
    if (mcpc) this.#handles.set(taskId, handle);
    const legacyTag = this.#legacy && dialect === "legacy" ? tagArgumentFor(this.#legacy.tool) : undefined;
    const request = {
      name,
      arguments: legacyTag ? { ...args, [legacyTag]: buildLegacyTag(legacyTag, this.#legacySessionId, taskId) } : args,
      // Our transport delivers this call's progress to the handle (and takes this key out before writing).
      ...((this.#wrapped || dialect === "native") && {
        _meta: { ...(this.#wrapped && { [LOCAL_HANDLE_META]: taskId }), ...(dialect === "native" && { [MCPC_TASK_META]: { task_id: taskId } }) },
      }),
    };
    this.#callsInFlight.set(taskId, handle);
    // onprogress asks the SDK for a progressToken and a timeout reset on each notification. Through our
    // transport the updates come from it, in wire order; an SDK client connected some other way still
    // gets them from the SDK (which may drop those sharing a read with the answer).
    const onprogress = this.#wrapped ? noProgressHandler : (progress: { progress: number; total?: number; message?: string }) => this.#onProgress(taskId, { ...progress, progressToken: 0 });
    const pending = this.sdk
      .callTool(request, undefined, { resetTimeoutOnProgress: true, onprogress, ...options.request })
      .finally(() => this.#callsInFlight.delete(taskId))
      .then((answer) => {
        if (handle.mode === "background") return;
        // A synchronous answer: the tool result is the task's terminal event.
        const result = answer as CallToolResult;
        handle.acceptLocal(localMessage(result.isError ? "failed" : "complete", taskId, name, readResult(result)));
        this.#handles.delete(taskId);
      })
      .catch((error: unknown) => {
        this.#handles.delete(taskId);
        const local = toLocalError(error);
        handle.fail(local);
        throw local;
      });
    if (mcpc) {
      // Resolve as soon as the call is answered: `created` for a background tool.
      await pending;
    } else {
      pending.catch(() => undefined);
    }
    return handle;
  }

  /** The task's current state on the server (`tasks/get` on a server with MCP tasks but no MCPC). @throws McpcError `UNKNOWN_TASK` */
  async check(taskId: string): Promise<TaskSnapshot> {
    const tasks = this.#mcpTasksFor("check");
    if (tasks) return tasks.check(taskId);
    const answer = await this.#request(MCPC_METHODS.get, { task_id: taskId }, GetResult);
    return answer.task as TaskSnapshot;
  }

  /** Stops a task (`tasks/cancel` for an MCP task); resolves once it has ended (its `cancelled` event was sent). @throws McpcError `UNKNOWN_TASK` */
  async stop(taskId: string): Promise<{ task: TaskSnapshot; stopped: boolean }> {
    const tasks = this.#mcpTasksFor("stop");
    if (tasks) return tasks.stop(taskId);
    const answer = await this.#request(MCPC_METHODS.stop, { task_id: taskId }, StopResult);
    return { task: answer.task as TaskSnapshot, stopped: answer.stopped };
  }

  /**
   * Sends a running task a message: the answer to the question it asked
   * (`input_required`), else the next message of its inbox (a tool with `accepts`).
   * Natively `mcpc/tasks/send`; on a server without MCPC, its send tool (`task_send`,
   * listed by mcpc servers to MCP-task clients and plain hosts).
   * @throws McpcError from the server: `INVALID_MESSAGE` (naming the field), `INBOX_FULL`, `NO_INBOX`,
   *   `TASK_ENDED`, `UNKNOWN_TASK`; `INVALID_STATE` when this connection has no way to send.
   */
  async send(taskId: string, message: unknown): Promise<SendOutcome> {
    const dialect = this.dialect;
    if (dialect === "native") return this.#request(MCPC_METHODS.send, { task_id: taskId, message }, SendResult);
    if (dialect === "legacy") throw cannotSend(dialect, taskId);
    return this.#sendThroughTool(taskId, message, undefined);
  }

  /** This session's tasks on the server, oldest first: every page of `mcpc/tasks/list` (or `tasks/list` for MCP tasks), followed to the end. */
  async list(): Promise<TaskSnapshot[]> {
    const mcpTasks = this.#mcpTasksFor("list");
    if (mcpTasks) return mcpTasks.list();
    const tasks: TaskSnapshot[] = [];
    let cursor: string | undefined;
    do {
      const answer = await this.#request(MCPC_METHODS.list, cursor === undefined ? {} : { cursor }, ListResult);
      tasks.push(...(answer.tasks as TaskSnapshot[]));
      cursor = answer.nextCursor;
    } while (cursor !== undefined);
    return tasks;
  }

  /**
   * The task's logged events after `afterSeq` (0: all), oldest first, from the server's event log
   * (`mcpc/tasks/events`): what this client missed. On a server whose replicas share a store (Redis),
   * any replica answers for the tasks of the same principal.
   * @throws McpcError `UNKNOWN_TASK`; `INVALID_STATE` when the server's store keeps no event log
   */
  events(taskId: string, afterSeq = 0): Promise<LoggedTaskEvent[]> {
    return readTaskEvents(this, taskId, afterSeq);
  }

  /**
   * Follows a task through the server's event log: each event after `options.afterSeq`, in order,
   * once, then each one logged later, until its terminal event. How a client that lost its replica
   * catches up from another one.
   */
  replay(taskId: string, options?: ReplayOptions): AsyncGenerator<LoggedTaskEvent, void, undefined> {
    return replayTaskEvents(this, taskId, options);
  }

  /**
   * Closes the connection. Over Streamable HTTP it first ends the session
   * (`DELETE`), so the server applies its session-close policy now rather than
   * at idle expiry; the SDK's own `close()` only drops the streams.
   */
  async close(): Promise<void> {
    const transport = this.sdk.transport as { terminateSession?: () => Promise<void> } | undefined;
    await transport?.terminateSession?.().catch(() => undefined);
    this.#mcpTasks?.closeAll();
    await this.sdk.close();
  }

  /** The MCP-task side, when this server has no MCPC but declared what `what` needs. */
  #mcpTasksFor(what: "check" | "stop" | "list"): McpTasks | undefined {
    return this.dialect === "plain" && this.#mcpTasks?.supports(what) ? this.#mcpTasks : undefined;
  }

  #request<T extends z.ZodType>(method: string, params: Record<string, unknown>, schema: T): Promise<z.infer<T>> {
    return requestNative(this.sdk, this.dialect, method, params, schema);
  }

  async #sendThroughTool(taskId: string, message: unknown, tool: string | undefined): Promise<SendOutcome> {
    const sendTool = tool ?? (await this.#catalog.sendTool());
    if (sendTool === undefined) throw cannotSend("plain", taskId);
    return sendThroughTool(this.sdk, sendTool, taskId, message);
  }

  #onMessage(message: McpcWireMessage): void {
    if (message.type === "heartbeat") {
      this.#handles.get(message.task_id)?.acceptHeartbeat(message.seq);
      return;
    }
    if (message.type === "input_required") {
      const handle = this.#handles.get(message.task_id);
      if (handle) handle.acceptQuestion(message);
      else this.#deliver(message);
      return;
    }
    if (!isMcpcMessage(message)) return;
    this.#sessionId ||= message.session_id ?? "";
    if (message.type === "server_event") {
      this.#deliver(message);
      return;
    }
    const handle = this.#handles.get(message.task_id);
    if (handle) {
      handle.acceptEvent(message);
      if (handle.done) this.#handles.delete(message.task_id);
    } else {
      this.#deliver(message);
    }
  }

  #onTaggedAnswer(taskId: string, result: unknown): void {
    const created = readCreated(result);
    if (!created) return;
    this.#sessionId ||= created.session_id;
    const handle = this.#handles.get(taskId);
    // No handle: a call made through `sdk` with addMetadata() (the Python way); its listeners hear `created`, as in Python.
    if (handle) handle.acceptCreated(created);
    else this.#deliver(created);
  }

  #deliver(message: TaskHandleEvent | McpcServerEventMessage): void {
    for (const listener of this.#listeners) {
      try {
        listener(message);
      } catch {
        // One failing listener must not keep the event from the others.
      }
    }
  }

  #recover(handle: TaskHandle): void {
    this.check(handle.taskId).then(
      (task) => {
        handle.acceptSnapshot(task, this.#sessionId);
        if (handle.done) this.#handles.delete(handle.taskId);
      },
      () => undefined,
    );
  }
}

/** Asks the SDK for a progress token (its handler map needs a function); the transport delivers the notifications. */
function noProgressHandler(): void {}
