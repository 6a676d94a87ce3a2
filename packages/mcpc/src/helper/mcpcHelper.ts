import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import { McpcError } from "../errors.js";
import { legacyProtocolInfo, type LegacyProtocolInfo } from "../protocol/legacy.js";
import {
  MCPC_CAPABILITY,
  MCPC_NATIVE_VERSION,
  createServerEventMessage,
  createTaskMessage,
  type McpcMessage,
  type McpcServerEventMessage,
  type McpcTaskMessage,
  type TaskEventName,
  type TaskSnapshot,
} from "../protocol/message.js";
import type { CallRuntime } from "../call/callSession.js";
import type { TaskContext } from "../call/context.js";
import { stderrLogger, type Logger } from "../util/logger.js";
import type { EmitOptions } from "../call/callSession.js";
import { registerTaskRequests } from "../session/taskRequests.js";
import { runBackground } from "../rungs/toolCall.js";
import { TaskRegistry, type TaskEngineOptions } from "../tasks/taskRegistry.js";
import { MCPC_PACKAGE_VERSION } from "../version.js";
import { HelperSession } from "./helperSession.js";

/** The `extra` argument the SDK passes to a tool handler; hand it to {@link McpcHelper.startTask} as is. */
export type ToolCallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** A background task's body: yields are `update`s, the return value is `complete`, a throw is `failed`. */
export type TaskWorker = (task: TaskContext) => AsyncGenerator<unknown, unknown, undefined>;

/** How {@link attach} sets the helper up. */
export interface McpcHelperOptions {
  /** The provider name the handshake and the capability report. Default: the SDK server's name. */
  name?: string;
  /** Limits and timings of the helper's own task engine. */
  tasks?: TaskEngineOptions;
  /** A task engine to share, e.g. between the per-session servers of an HTTP endpoint (then `tasks` is ignored). */
  registry?: TaskRegistry;
  /** Where the helper logs. Default: stderr. */
  logger?: Logger;
  /** How long a synchronous-fallback call waits for the client to answer the ping barrier. Default 5 s. */
  pingBarrierTimeoutMs?: number;
}

/** The fields of {@link McpcHelper.createMessage}. */
export interface MessageFields {
  type: "task" | "server_event";
  event: string;
  sessionId?: string | null;
  taskId?: string;
  toolName?: string;
  result?: unknown;
}

/**
 * MCPC for a server you build yourself with the SDK (`McpServer` or the
 * low-level `Server`): the TypeScript counterpart of the Python `MCPCHelper`,
 * on the same task engine and delivery ladder as `@Tool` servers. Made by
 * {@link attach}, before the server connects. One helper per SDK server (an SDK
 * server serves one connection); share `registry` between several.
 *
 * @example
 * ```ts
 * const server = new McpServer({ name: "my-provider", version: "1.0.0" });
 * const mcpc = attach(server);
 * server.registerTool("process_data", { inputSchema: { url: z.string() } }, ({ url }, extra) =>
 *   mcpc.startTask(extra, "process_data", async function* () {
 *     yield `Processing ${url}...`;
 *     return { summary: "done" };
 *   }),
 * );
 * await server.connect(new StdioServerTransport());
 * ```
 */
export class McpcHelper {
  readonly #server: Server;
  readonly #registry: TaskRegistry;
  readonly #ownsRegistry: boolean;
  readonly #name: string;
  readonly #logger: Logger;
  readonly #sessions = new Map<string, HelperSession>();
  readonly #runtime: CallRuntime;

  constructor(server: McpServer | Server, options: McpcHelperOptions = {}) {
    const lowLevel = server instanceof Server ? server : server.server;
    if (lowLevel.transport !== undefined) {
      throw new McpcError("INVALID_STATE", "attach(server) must run before server.connect(transport): the MCPC capability is declared in initialize.");
    }
    this.#server = lowLevel;
    this.#registry = options.registry ?? new TaskRegistry(options.tasks);
    this.#ownsRegistry = options.registry === undefined;
    this.#name = options.name ?? serverName(lowLevel);
    this.#logger = options.logger ?? stderrLogger;
    const registry = this.#registry;
    if (this.#ownsRegistry) registry.onWarning = (message) => this.#logger("warning", message);
    this.#runtime = {
      tools: new Map<string, ToolDefinition>(),
      get closing() {
        return registry.closing;
      },
      registry,
      options: { name: this.#name, ...(options.pingBarrierTimeoutMs !== undefined && { pingBarrierTimeoutMs: options.pingBarrierTimeoutMs }) },
      sessions: this.#sessions,
      emit: (event, payload, emitOptions, afterRequestId) => this.#emit(event, payload, emitOptions, afterRequestId),
    };
    lowLevel.registerCapabilities({ experimental: { [MCPC_CAPABILITY]: { version: MCPC_NATIVE_VERSION, provider: this.#name } } });
    registerTaskRequests(lowLevel, this.#registry, () => this.#current().owner);
    const connect = lowLevel.connect.bind(lowLevel);
    lowLevel.connect = (transport: Transport) => connect(this.#open(transport).transport);
  }

  /** The id of the connection being served (tasks belong to it), once connected. */
  get sessionId(): string | undefined {
    return [...this.#sessions.keys()].at(-1);
  }

  /** What the connected client negotiated: `native`, `legacy` (Python mcpc 0.2.x), or `plain`. */
  get dialect(): "native" | "legacy" | "plain" | undefined {
    const session = [...this.#sessions.values()].at(-1);
    if (!session) return undefined;
    return session.native ? "native" : session.legacy ? "legacy" : "plain";
  }

  /**
   * Runs `worker` as a background task of this call and answers the call: at
   * once with `created` for an MCPC client (native or legacy; its events follow,
   * `created` always first), or with the return value once the task ends for
   * any other client (updates as progress, a throw as an `isError` result).
   * Return its promise from the tool handler.
   */
  async startTask(extra: ToolCallExtra, toolName: string, worker: TaskWorker): Promise<CallToolResult> {
    const session = this.#current();
    const tool: ToolDefinition = {
      name: toolName,
      kind: "background",
      inputJsonSchema: {},
      origin: `startTask("${toolName}")`,
      invoke: (_args, context) => worker(context as TaskContext),
    };
    return runBackground(session, tool, undefined, extra, session.transport.takeTag(extra.requestId));
  }

  /** The task's current state. @throws McpcError `UNKNOWN_TASK` */
  checkTask(taskId: string): Promise<TaskSnapshot> {
    return this.#registry.get(this.#current().owner, taskId);
  }

  /** Stops a task (its signal aborts, its `finally` blocks run) and resolves once it ended. @throws McpcError `UNKNOWN_TASK` */
  stopTask(taskId: string, reason = "Task stopped by the server"): Promise<{ task: TaskSnapshot; stopped: boolean }> {
    return this.#registry.stop(this.#current().owner, taskId, reason);
  }

  /** Forgets a finished task (finished tasks are also forgotten after the TTL). @throws McpcError `UNKNOWN_TASK`, `INVALID_STATE` */
  cleanupTask(taskId: string): Promise<void> {
    return this.#registry.cleanup(this.#current().owner, taskId);
  }

  /**
   * Builds a task or server message, checking what each needs.
   * @throws McpcError `INVALID_ARGUMENT` naming the missing field.
   */
  createMessage(fields: MessageFields): McpcMessage {
    if (fields.type === "server_event") return this.createServerEvent({ event: fields.event, sessionId: fields.sessionId ?? null, result: fields.result });
    const { event, toolName, sessionId, taskId } = fields;
    if (toolName === undefined || typeof sessionId !== "string" || taskId === undefined) {
      throw new McpcError("INVALID_ARGUMENT", "A task message needs toolName, sessionId and taskId.");
    }
    return this.createTaskEvent({ event: event as TaskEventName, toolName, sessionId, taskId, result: fields.result });
  }

  /** Builds a task message (`created`, `update`, `complete`, `failed`, `cancelled`). */
  createTaskEvent(fields: { event: TaskEventName; toolName: string; sessionId: string; taskId: string; result?: unknown }): McpcTaskMessage {
    if (!["created", "update", "complete", "failed", "cancelled"].includes(fields.event)) {
      throw new McpcError("INVALID_ARGUMENT", `"${String(fields.event)}" is not a task event; use created, update, complete, failed or cancelled.`);
    }
    return createTaskMessage(fields.event, fields.sessionId, fields.taskId, fields.toolName, fields.result);
  }

  /** Builds a server event (any non-empty name), not tied to a task. */
  createServerEvent(fields: { event: string; sessionId?: string | null; result?: unknown }): McpcServerEventMessage {
    if (typeof fields.event !== "string" || fields.event.length === 0) {
      throw new McpcError("INVALID_ARGUMENT", 'A server event needs a non-empty name, e.g. createServerEvent({ event: "notification", result }).');
    }
    return createServerEventMessage(fields.event, fields.result, fields.sessionId ?? this.sessionId ?? null);
  }

  /**
   * Sends a message to the connected client in its dialect. A plain client
   * never receives one: the answer is false (its calls get the fallback instead).
   */
  send(message: McpcMessage): boolean {
    const session = [...this.#sessions.values()].at(-1);
    return session?.sendMessage(message) ?? false;
  }

  /** What the legacy handshake answers. */
  getProtocolInfo(): LegacyProtocolInfo {
    return legacyProtocolInfo("_mcpc_init", this.#name, MCPC_PACKAGE_VERSION, true);
  }

  /** Messages as tool-result text items (one JSON text each), as the Python helper returns them. */
  messagesToTextContent(messages: readonly McpcMessage[]): Array<{ type: "text"; text: string }> {
    return messages.map((message) => ({ type: "text", text: JSON.stringify(message) }));
  }

  /** Stops the helper's running tasks (each ends `cancelled`, `failed` for a legacy client) and its timers. */
  async close(reason = "Server shutting down"): Promise<void> {
    if (this.#ownsRegistry) await this.#registry.shutdown(reason);
    else await Promise.all([...this.#sessions.values()].map((session) => this.#registry.stopOwner(session.owner, reason)));
  }

  #open(transport: Transport): HelperSession {
    const session = new HelperSession(this.#runtime, this.#server, transport, this.#logger, (closed) => {
      this.#sessions.delete(closed.id);
      this.#registry.stopOwner(closed.owner, "Session closed").catch((error: unknown) => this.#logger("error", String(error)));
      // Nobody else can read the records of a session that owned its tasks itself.
      if (closed.owner === closed.id) this.#registry.forgetOwner(closed.owner);
    });
    this.#sessions.set(session.id, session);
    return session;
  }

  #current(): HelperSession {
    const session = [...this.#sessions.values()].at(-1);
    if (!session) throw new McpcError("INVALID_STATE", "The server is not connected yet: call server.connect(transport) first.");
    return session;
  }

  #emit(event: string, payload: unknown, options: EmitOptions = {}, afterRequestId?: string | number): number {
    let sent = 0;
    for (const session of this.#sessions.values()) {
      if (options.sessionId !== undefined && options.sessionId !== session.id) continue;
      if (session.sendMessage(createServerEventMessage(event, payload, session.id), afterRequestId)) sent++;
    }
    return sent;
  }
}

/**
 * Adds MCPC to an SDK server in one line, before it connects: the native
 * capability and task requests, the three hidden legacy handshake tools, and
 * call tags taken out of the arguments (and out of `tools/list`).
 *
 * @example
 * ```ts
 * const mcpc = attach(server);
 * ```
 */
export function attach(server: McpServer | Server, options?: McpcHelperOptions): McpcHelper {
  return new McpcHelper(server, options);
}

/** The SDK keeps the server's name private; the handshake and the capability report it. */
function serverName(server: Server): string {
  const info = (server as unknown as { _serverInfo?: { name?: unknown } })._serverInfo;
  return typeof info?.name === "string" ? info.name : "mcpc";
}
