import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { McpcError } from "../errors.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import type { ResourceDefinition } from "../definitions/resourceDefinitions.js";
import type { PromptDefinition } from "../definitions/promptDefinitions.js";
import { TaskRegistry, type TaskEngineOptions } from "../tasks/taskRegistry.js";
import { createServerEventMessage } from "../protocol/message.js";
import { checkJson } from "../tasks/jsonPayload.js";
import type { EmitOptions } from "../call/callSession.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import { Session } from "../session/session.js";
import type { SessionRuntime } from "../session/sessionRuntime.js";
import type { SessionOptions } from "../session/sessionOptions.js";
import type { RuntimeEvent, RuntimeObserver, ServerRuntime } from "./serverRuntime.js";
import { Inboxes, type InboxOptions } from "../call/inboxes.js";
import { checkHandleNames, resolveJobHandles, type JobHandleOptions, type ResolvedJobHandles } from "../rungs/handles/handleOptions.js";
import { resolveMcpTasksOptions, type McpTasksOptions, type ResolvedMcpTasksOptions } from "../rungs/mcpTasks/mcpTaskOptions.js";

/** What the runtime needs to know about the server it runs. */
export interface RuntimeOptions {
  name: string;
  version: string;
  instructions?: string;
  tasks?: TaskEngineOptions;
  logger?: Logger;
  /** How long a fallback call waits for the client to answer the ping barrier. Default 5 s. */
  pingBarrierTimeoutMs?: number;
  /** How MCP tasks (spec 2025-11-25) are served for background tools. */
  mcpTasks?: McpTasksOptions;
  /** Job handles for plain clients' long calls; `false` turns them off. */
  jobHandles?: JobHandleOptions | false;
  /** Limits of task inboxes and questions. */
  inbox?: InboxOptions;
}

/** The resources and prompts a runtime serves besides its tools. */
export interface RuntimeCatalog {
  resources?: readonly ResourceDefinition[];
  prompts?: readonly PromptDefinition[];
}


/**
 * The state one server shares across its sessions: the checked tools, the task
 * engine and the open sessions. One per `McpcServer`; never global. A server's
 * author sees it as a `ServerRuntime` (`server.runtime`); the rest is for sessions.
 */
export class McpcRuntime implements ServerRuntime, SessionRuntime {
  readonly options: RuntimeOptions;
  readonly tools: ReadonlyMap<string, ToolDefinition>;
  /** Resources and resource templates (checked at start-up). */
  readonly resources: readonly ResourceDefinition[];
  readonly prompts: ReadonlyMap<string, PromptDefinition>;
  readonly registry: TaskRegistry;
  readonly logger: Logger;
  readonly sessions = new Map<string, Session>();
  /** MCP tasks as served (defaults applied); undefined when the server has no background tool, so none are served. */
  readonly mcpTasks: ResolvedMcpTasksOptions | undefined;
  /** Job handles as served (defaults applied); undefined when off, or when the server has no background tool. */
  readonly jobHandles: ResolvedJobHandles | undefined;
  /** The inboxes of running tasks (messages and questions). */
  readonly inboxes: Inboxes;
  #closing = false;
  /** Set by `serve()`, which owns the process: the task store is closed at the end of shutdown, after the sessions. */
  closeStoreOnShutdown = false;
  /** Who watches this runtime (see {@link observe}); empty unless something looks on, such as the dashboard. */
  readonly #observers = new Set<RuntimeObserver>();

  constructor(options: RuntimeOptions, tools: readonly ToolDefinition[], catalog: RuntimeCatalog = {}) {
    this.options = options;
    this.tools = new Map(tools.map((tool) => [tool.name, tool]));
    this.resources = catalog.resources ?? [];
    this.prompts = new Map((catalog.prompts ?? []).map((prompt) => [prompt.name, prompt]));
    this.registry = new TaskRegistry(options.tasks);
    this.logger = options.logger ?? stderrLogger;
    this.registry.onWarning = (message) => this.logger("warning", message);
    const hasBackground = tools.some((tool) => tool.kind === "background");
    this.mcpTasks = hasBackground ? resolveMcpTasksOptions(options.mcpTasks) : undefined;
    this.jobHandles = hasBackground ? resolveJobHandles(options.jobHandles) : undefined;
    if (this.jobHandles) checkHandleNames(this.jobHandles, tools);
    this.inboxes = new Inboxes(this.registry, options.inbox, (tool) => this.tools.get(tool)?.accepts);
  }

  /** The sessions open now. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** True once shutdown began: new calls are refused. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Serves one SDK transport as one session (`options`: its id, owner, wire and close policy). */
  async connect(transport: Transport, options: SessionOptions = {}): Promise<Session> {
    if (this.#closing) throw new McpcError("SHUTTING_DOWN", "The server is shutting down; it accepts no new sessions.");
    const session = new Session(this, transport, options);
    this.sessions.set(session.id, session);
    session.onClosed = () => {
      this.sessions.delete(session.id);
      this.#notify({ type: "session_closed", sessionId: session.id, at: Date.now() });
      // By default a session that goes away takes its running tasks with it: nobody could read their events.
      // Only the tasks it started: an owner (principal) may have other sessions.
      if ((options.closePolicy ?? "stop") === "stop") {
        session.stopTasks("Session closed").catch((error: unknown) => this.logger("error", String(error)));
      }
      // A session that owned its tasks itself was the only one who could read them: their records go.
      if (session.owner === session.id) this.registry.forgetOwner(session.id);
      options.onClosed?.();
    };
    await session.start();
    this.#notify({ type: "session_opened", sessionId: session.id, at: Date.now() });
    return session;
  }

  /** Adds an observer of server events and sessions; returns the function that removes it. */
  observe(observer: RuntimeObserver): () => void {
    this.#observers.add(observer);
    return () => {
      this.#observers.delete(observer);
    };
  }

  /** Tells every observer; one that throws is logged and the others still hear of it. */
  #notify(event: RuntimeEvent): void {
    for (const observer of this.#observers) {
      try {
        observer(event);
      } catch (error) {
        this.logger("warning", `a runtime observer failed on ${event.type}: ${String(error)}`);
      }
    }
  }

  /**
   * Sends a server event to one session or to every session that negotiated MCPC.
   * @returns how many sessions it reached: MCPC sessions as a message, plain ones (where job handles are on) in their `mcpc://events` resource.
   */
  emit(event: string, payload: unknown, options: EmitOptions = {}, afterRequestId?: string | number): number {
    if (typeof event !== "string" || event.length === 0) {
      throw new McpcError("INVALID_ARGUMENT", "A server event needs a non-empty name, e.g. server.emit(\"notification\", { ... }).");
    }
    // Checked here, once for all sessions, so the caller hears of it (a transport's send would fail quietly).
    const size = checkJson(payload);
    if (typeof size === "string") {
      throw new McpcError("UNSERIALIZABLE_VALUE", `The payload of server event "${event}" cannot be sent as JSON: ${size}. Emit plain data.`);
    }
    let sent = 0;
    for (const session of this.sessions.values()) {
      if (options.sessionId !== undefined && session.id !== options.sessionId) continue;
      // Asked first: an event a slow client is not going to get is counted, not built.
      if (!session.acceptsServerEvent()) continue;
      if (session.sendServerEvent(createServerEventMessage(event, payload, session.id), afterRequestId)) sent++;
    }
    if (this.#observers.size > 0) this.#notify({ type: "server_event", event, payload, sessionId: options.sessionId, reached: sent, at: Date.now() });
    return sent;
  }

  /**
   * Sends `notifications/resources/updated` for `uri` to every session that
   * subscribed to it.
   * @returns how many sessions it was sent to.
   */
  notifyResourceUpdated(uri: string): number {
    let sent = 0;
    for (const session of this.sessions.values()) {
      if (session.notifyResourceUpdated(uri)) sent++;
    }
    return sent;
  }

  /**
   * Refuses new calls, stops running tasks within the deadline, waits for their
   * terminal events and the answers of open calls, then closes every session.
   */
  async shutdown(reason = "Server shutting down"): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await this.registry.shutdown(reason);
    const deadline = this.registry.shutdownDeadlineMs;
    await Promise.all([...this.sessions.values()].map((session) => session.drain(deadline)));
    await Promise.all([...this.sessions.values()].map((session) => session.close()));
    if (this.closeStoreOnShutdown) await this.registry.store.close?.().catch((error: unknown) => this.logger("error", `closing the task store: ${String(error)}`));
  }
}

export type { EmitOptions } from "../call/callSession.js";
