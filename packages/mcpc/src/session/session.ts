import { newId } from "../util/ids.js";
import { textOf } from "../util/describe.js";
import { PingBarrier } from "./pingBarrier.js";
import { deferred, settledWithin, type Deferred } from "../util/deferred.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ListToolsRequestSchema,
  SetLevelRequestSchema,
  type JSONRPCMessage,
  type Tool as WireTool,
} from "@modelcontextprotocol/sdk/types.js";
import {
  MCPC_CAPABILITY,
  MCPC_NATIVE_VERSION,
  createServerEventMessage,
  type McpcServerEventMessage,
} from "../protocol/message.js";
import type { DropCounts } from "./bestEffort.js";
import { atLeast, type LogLevel } from "../util/logger.js";
import type { SessionRuntime } from "./sessionRuntime.js";
import type { SessionOptions, TransportKind } from "./sessionOptions.js";
import { SessionTransport } from "./sessionTransport.js";
import { callTool } from "../rungs/toolCall.js";
import { setCallToolHandler } from "./callToolHandler.js";
import { installMessageDispatch } from "./messageDispatch.js";
import type { Protocol } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { wireMessageFor } from "../rungs/legacyDialect.js";
import type { LegacySession, ResolvedJobHandles } from "../call/callSession.js";
import { registerTaskRequests } from "./taskRequests.js";
import { registerMcpTaskMethods } from "../rungs/mcpTasks/mcpTaskMethods.js";
import { handleToolsWire, sendToolWire } from "../rungs/handles/handleTools.js";
import { handlesFor } from "../rungs/handles/handleRung.js";
import { TaskResources } from "../rungs/handles/taskResources.js";
import { PlainEvents } from "./plainEvents.js";
import { LazyValidator } from "./lazyValidator.js";
import { registerResourceHandlers } from "./resourceHandlers.js";
import { registerCompletionHandler, registerPromptHandlers } from "./promptHandlers.js";

/**
 * One connection: an SDK `Server` over one transport, the dialect its client
 * negotiated, and its calls in flight. Tasks it starts are owned by its id.
 */
export class Session {
  readonly id: string;
  /**
   * Who owns the tasks this session starts: the authenticated principal's id
   * over HTTP with an `authenticate` hook, else the session id. Every task-registry
   * call of this session uses it, so another owner can neither see nor stop them.
   */
  readonly owner: string;
  /**
   * The wire under this session. The legacy Python dialect's handshake reads it
   * (see {@link supportsForgedResponses}).
   */
  readonly transportKind: TransportKind;
  readonly runtime: SessionRuntime;
  readonly server: Server;
  readonly transport: SessionTransport;
  /** The session's ping barrier (shared by the calls of a turn on a one-stream connection). */
  readonly pingBarrier: PingBarrier;
  /** Calls not answered yet; {@link drain} waits for them. A count, not a set of promises: nothing held per call. */
  #calls = 0;
  #drained: Deferred<void> | undefined;
  readonly #callEnded = (): void => {
    if (--this.#calls === 0) this.#drained?.resolve();
  };
  /** URIs the client subscribed to with `resources/subscribe`. */
  readonly subscriptions = new Set<string>();
  /** The level the client asked for with `logging/setLevel`; none means no log notifications. */
  logLevel: LogLevel | undefined;
  onClosed: (() => void) | undefined;
  /** Set once the client negotiated the legacy (Python) dialect with a handshake tool: per session, never global. */
  legacy: LegacySession | undefined;
  #closed = false;
  #tools: WireTool[] | undefined;
  #taskResources: TaskResources | undefined;
  /** Server events kept for a plain client (`mcpc://events`): made when the first one comes. */
  #plainEvents: PlainEvents | undefined;
  #toolsWithHandles: WireTool[] | undefined;
  #toolsWithSend: WireTool[] | undefined;

  constructor(runtime: SessionRuntime, transport: Transport, options: SessionOptions = {}) {
    this.runtime = runtime;
    this.id = options.id ?? transport.sessionId ?? newId();
    this.owner = options.owner ?? this.id;
    this.transportKind = options.transportKind ?? "custom";
    this.transport = new SessionTransport(transport, {
      onBadInput: (error) => runtime.logger("warning", `unreadable input from the client: ${error.message}`),
      outbound: options.outbound,
      onDropped: (dropped) => this.#reportDropped(dropped),
    });
    const { name, version, instructions } = runtime.options;
    this.server = new Server(
      { name, version },
      {
        capabilities: {
          tools: {},
          logging: {},
          // Only what this server has: a client reads a declared capability as a promise to answer it.
          // Job handles add the task resources (mcpc://tasks/{id}, mcpc://events) for plain clients.
          ...((runtime.resources.length > 0 || runtime.jobHandles) && { resources: { subscribe: true } }),
          ...(runtime.prompts.size > 0 && { prompts: {} }),
          ...(hasCompletions(runtime) && { completions: {} }),
          // Spec 2025-11-25: background tools may be called as tasks (`params.task`).
          ...(runtime.mcpTasks && { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }),
          experimental: { [MCPC_CAPABILITY]: { version: MCPC_NATIVE_VERSION, provider: name } },
        },
        ...(instructions !== undefined && { instructions }),
        jsonSchemaValidator: new LazyValidator(),
      },
    );
    this.server.onerror = (error) => runtime.logger("warning", `session ${this.id}: ${error.message}`);
    this.pingBarrier = new PingBarrier(this.server, () => runtime.options.pingBarrierTimeoutMs ?? 5_000, {
      // Streamable HTTP has a stream per call, so a ping orders nothing across calls there.
      oneStream: this.transportKind !== "streamable-http",
      // The SDK client's Streamable HTTP transport reads one SSE event per turn: no progress shares a read with the answer.
      needed: this.transportKind !== "streamable-http",
      logger: (message) => runtime.logger("warning", `session ${this.id}: ${message}`),
    });
    this.server.onclose = () => this.#markClosed();
    this.#registerHandlers();
  }

  /** True when the client declared the native MCPC capability in `initialize`. */
  get native(): boolean {
    const experimental = this.server.getClientCapabilities()?.experimental as Record<string, unknown> | undefined;
    return typeof experimental?.[MCPC_CAPABILITY] === "object" && experimental[MCPC_CAPABILITY] !== null;
  }

  /**
   * False over Streamable HTTP: a response can only travel on the POST stream of
   * its request, so a forged response (the legacy dialect's `MCPC_CALLBACK`)
   * cannot be sent there, and the legacy handshake must answer `mcpc_enabled: false`.
   */
  get supportsForgedResponses(): boolean {
    return this.transportKind !== "streamable-http";
  }

  /** Stops every running task this session started; each ends `cancelled` with `reason`. */
  async stopTasks(reason: string): Promise<void> {
    // The engine knows which session started each task: nothing is tracked here per event.
    await this.runtime.registry.stopOwner(this.owner, reason, this.owner === this.id ? undefined : this.id);
  }

  /** Tasks this session started that have not ended yet (running or queued). */
  get liveTaskCount(): number {
    return this.runtime.registry.liveCountOf(this.owner, this.owner === this.id ? undefined : this.id);
  }

  async start(): Promise<void> {
    await this.server.connect(this.transport);
    if (this.transportKind !== "custom") installMessageDispatch(this.server as unknown as Protocol<never, never, never>, this.transport);
  }

  /**
   * Sends a server event if this session speaks MCPC; returns whether it did.
   * `afterRequestId`: an event a task emits waits, like the task's own events, for its call's answer.
   * Server events are best-effort: while the client is not keeping up they are
   * dropped (false), counted, and reported in one notice once it reads again.
   */
  sendServerEvent(message: McpcServerEventMessage, afterRequestId?: string | number): boolean {
    if (this.#closed) return false;
    // In the session's own dialect (native notification or legacy callback); a plain client reads them as a resource.
    const notification = wireMessageFor(this, message);
    if (notification === undefined) return this.#recordPlainEvent(message);
    const sent = this.transport.offer("server_events", notification, undefined, afterRequestId);
    sent?.catch(this.#sendFailed);
    return sent !== undefined;
  }

  /**
   * True when a server event would go to this session now: it speaks MCPC and
   * the client keeps up. While it does not, the event counts as dropped here,
   * before anyone builds it (a tool emitting in a loop makes millions).
   */
  acceptsServerEvent(): boolean {
    if (this.#closed) return false;
    if (this.legacy === undefined && !this.native) return this.#taskResources !== undefined;
    return this.transport.admit("server_events");
  }

  /** The server events kept for a plain client, if it has had any. */
  get plainEvents(): PlainEvents | undefined {
    return this.#taskResources ? (this.#plainEvents ??= new PlainEvents()) : undefined;
  }

  /** True once the session closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A server event for a plain client: kept for `mcpc://events`, and sent as a
   * log line (`notifications/message`, logger `mcpc.events`) when the client
   * asked for logs at `info`: both are standard MCP a plain client can read.
   */
  #recordPlainEvent(message: McpcServerEventMessage): boolean {
    const events = this.plainEvents;
    if (!events) return false;
    events.record(message.event, message.result);
    if (this.logLevel !== undefined && atLeast("info", this.logLevel) && this.transport.admit("logs")) {
      const line: JSONRPCMessage = { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", logger: "mcpc.events", data: { event: message.event, payload: message.result } } };
      this.transport.sendDirect(line).catch(this.#sendFailed);
    }
    return true;
  }

  /** Sends one event message now, past the protocol layer and the drop policy. */
  sendEvent(message: JSONRPCMessage): void {
    if (this.#closed) return;
    this.transport.sendDirect(message).catch(this.#sendFailed);
  }

  readonly #sendFailed = (error: unknown): void => {
    this.runtime.logger("warning", `session ${this.id}: ${String(error)}`);
  };

  /** Logs a tool's line to stderr and, if the client asked for that level, to the client. */
  log(level: LogLevel, logger: string, message: string, data: unknown, relatedRequestId?: string | number): void {
    this.runtime.logger(level, `[${logger}] ${message}${data === undefined ? "" : ` ${textOf(data)}`}`);
    if (this.#closed || this.logLevel === undefined || !atLeast(level, this.logLevel)) return;
    // Best-effort: dropped and counted while the client is not keeping up (before the message is built).
    if (!this.transport.admit("logs")) return;
    const notification: JSONRPCMessage = {
      jsonrpc: "2.0",
      method: "notifications/message",
      params: { level, logger, data: data === undefined ? message : { message, data } },
    };
    this.transport
      .sendDirect(notification, relatedRequestId === undefined ? undefined : { relatedRequestId })
      // Streamable HTTP refuses a call's stream once the call has answered (a background
      // task logging after `created`): the line then goes on the session's GET stream.
      .catch(() => (relatedRequestId === undefined ? undefined : this.transport.sendDirect(notification)))
      .catch(() => undefined);
  }

  /**
   * The client reads again after best-effort messages were dropped: one line on
   * stderr, one `notifications/message` (level `warning`) if it asked for logs at
   * that level, and for an MCPC session one `dropped` server event with the counts,
   * so the gap is visible on the wire.
   */
  #reportDropped(dropped: DropCounts): void {
    const { server_events, logs, heartbeats } = dropped;
    const text =
      `the client did not keep up with its output: dropped ${server_events} server event(s), ${logs} log notification(s) ` +
      `and ${heartbeats} heartbeat(s) while too much waited for it.`;
    this.runtime.logger("warning", `session ${this.id}: ${text}`);
    if (this.#closed) return;
    if (this.logLevel !== undefined && atLeast("warning", this.logLevel)) {
      const notice: JSONRPCMessage = { jsonrpc: "2.0", method: "notifications/message", params: { level: "warning", logger: "mcpc", data: { message: text, dropped } } };
      this.transport.sendDirect(notice).catch(this.#sendFailed);
    }
    const event = wireMessageFor(this, createServerEventMessage("dropped", dropped, this.id));
    if (event !== undefined) this.transport.sendDirect(event).catch(this.#sendFailed);
  }

  /** Sends `notifications/resources/updated` if the client subscribed to `uri`; returns whether it did. */
  notifyResourceUpdated(uri: string): boolean {
    if (this.#closed || !this.subscriptions.has(uri)) return false;
    this.server.sendResourceUpdated({ uri }).catch((error: unknown) => this.runtime.logger("warning", `session ${this.id}: ${String(error)}`));
    return true;
  }

  /** Waits for the calls in flight to be answered, at most `deadlineMs`. */
  async drain(deadlineMs: number): Promise<void> {
    if (this.#calls === 0) return;
    await settledWithin((this.#drained ??= deferred<void>()).promise, deadlineMs);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.server.close();
    this.#markClosed();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#taskResources?.stop();
    this.onClosed?.();
  }

  #registerHandlers(): void {
    const { server, runtime } = this;
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.#listTools() }));
    setCallToolHandler(server, (request, extra) => {
      this.#calls++;
      const answer = callTool(this, request, extra);
      // Shared handlers for both outcomes: no closure per call, and a rejection stays the SDK's to report.
      answer.then(this.#callEnded, this.#callEnded);
      return answer;
    });
    server.setRequestHandler(SetLevelRequestSchema, (request) => {
      this.logLevel = request.params.level;
      return {};
    });
    registerTaskRequests(server, runtime.registry, () => this.owner, {
      send: (owner, taskId, message) => runtime.inboxes.send(owner, taskId, message, (tool) => runtime.tools.get(tool)?.accepts),
    });
    if (runtime.mcpTasks) registerMcpTaskMethods(this, runtime.mcpTasks);
    if (runtime.jobHandles) this.#taskResources = new TaskResources(this);
    if (runtime.resources.length > 0 || this.#taskResources) registerResourceHandlers(this, runtime.resources, this.#taskResources);
    if (runtime.prompts.size > 0) registerPromptHandlers(server, this.id, runtime.prompts);
    if (hasCompletions(runtime)) {
      registerCompletionHandler(server, runtime.prompts, runtime.resources.filter((r) => r.kind === "template"));
    }
  }

  #listTools(): WireTool[] {
    // The same for every call of this session: computed once.
    this.#tools ??= [...this.runtime.tools.values()].map((tool) => ({
      name: tool.name,
      ...(tool.title !== undefined && { title: tool.title }),
      ...(tool.description !== undefined && { description: tool.description }),
      inputSchema: tool.inputJsonSchema as WireTool["inputSchema"],
      ...(tool.outputJsonSchema && { outputSchema: tool.outputJsonSchema as WireTool["outputSchema"] }),
      ...(tool.annotations && { annotations: tool.annotations }),
      ...(tool.taskSupport !== undefined && { execution: { taskSupport: tool.taskSupport } }),
    }));
    const handles = this.#handleTools();
    if (handles) return (this.#toolsWithHandles ??= [...this.#tools, ...handleToolsWire(handles)]);
    // A client that asks for MCP tasks has no way to send a task a message but this tool.
    const { jobHandles } = this.runtime;
    if (jobHandles && !this.native && !this.legacy && this.server.getClientCapabilities()?.tasks) {
      return (this.#toolsWithSend ??= [...this.#tools, sendToolWire(jobHandles)]);
    }
    return this.#tools;
  }

  /** The job-handle tools are listed to sessions that may get a handle (`handlesFor`). They answer whoever calls them. */
  #handleTools(): ResolvedJobHandles | undefined {
    return handlesFor(this);
  }
}

/** True when some prompt argument or template variable has a completer. */
function hasCompletions(runtime: SessionRuntime): boolean {
  return [...runtime.prompts.values(), ...runtime.resources].some((entry) => entry.complete.size > 0);
}
