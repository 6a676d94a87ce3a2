import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { McpcError } from "../errors.js";
import { readToolDefinitions } from "../definitions/toolDefinitions.js";
import { readResourceDefinitions } from "../definitions/resourceDefinitions.js";
import { readPromptDefinitions } from "../definitions/promptDefinitions.js";
import { checkReservedMethods } from "../definitions/reservedMethods.js";
import type { TaskEngineOptions } from "../tasks/taskRegistry.js";
import type { Logger } from "../util/logger.js";
import { McpcRuntime, type EmitOptions } from "./runtime.js";
import type { ServerRuntime } from "./serverRuntime.js";
import type { McpTasksOptions } from "../rungs/mcpTasks/mcpTaskOptions.js";
import type { JobHandleOptions } from "../rungs/handles/handleOptions.js";
import type { InboxOptions } from "../call/inboxes.js";
import { serveStdio } from "../transports/stdio.js";
import type { HttpServeOptions, ServeOptions, StdioServeOptions } from "./serveOptions.js";
import type { HttpServing } from "../transports/http/httpServer.js";
import { installedServeRunner } from "./serveRunner.js";

/** A class with `@Tool` (or `@Resource`, `@Prompt`) methods and a no-argument constructor, or an instance of one. */
export type ToolProvider = object | (new () => object);

/** What a server is made with. */
export interface McpcServerOptions {
  /** The server's name, as `initialize` reports it. */
  name: string;
  /** The server's version, as `initialize` reports it. */
  version: string;
  /** Instructions for the model, as `initialize` reports them. */
  instructions?: string;
  /** Limits and timings of the task engine, and its store. */
  tasks?: TaskEngineOptions;
  /** More classes (or instances) whose `@Tool` methods this server serves. */
  tools?: readonly ToolProvider[];
  /** Where the library logs. Default: stderr. */
  logger?: Logger;
  /** How long a synchronous-fallback call waits for the client to answer the ping barrier. Default 5 s. */
  pingBarrierTimeoutMs?: number;
  /** How MCP tasks (spec 2025-11-25) are served for background tools: the longest ttl granted, the poll interval, the `tasks/list` page size. */
  mcpTasks?: McpTasksOptions;
  /**
   * Job handles for hosts that cut long calls: a plain client's call of a background tool still
   * running after `afterMs` (default 45 s) is answered with the task id and how to follow it, through
   * the tools `task_status`, `task_result` and `task_stop`, and the task runs on. `false` turns them off.
   */
  jobHandles?: JobHandleOptions | false;
  /** Task inboxes: unread messages a task holds (`maxQueued`, 100), how long `task.ask` waits (`questionTimeoutMs`, 10 min). */
  inbox?: InboxOptions;
}


/**
 * The base class of an MCPC server: extend it and mark methods with `@Tool`.
 *
 * @example
 * ```ts
 * class DataTools extends McpcServer {
 *   @Tool({ description: "Process a URL", input: z.object({ url: z.string() }), background: true })
 *   async *processData({ url }: { url: string }, task: TaskContext) {
 *     yield `Processing ${url}`;
 *     await task.sleep(1000);
 *     return { ok: true };
 *   }
 * }
 * await new DataTools({ name: "data", version: "1.0.0" }).serve();
 * ```
 */
export class McpcServer {
  readonly #options: McpcServerOptions;
  #runtime: McpcRuntime | undefined;

  constructor(options: McpcServerOptions) {
    if (typeof options !== "object" || options === null || typeof options.name !== "string" || typeof options.version !== "string") {
      throw new McpcError("INVALID_ARGUMENT", 'A server needs a name and a version: new MyServer({ name: "my-server", version: "1.0.0" }).');
    }
    this.#options = options;
  }

  /** The server's name. */
  get name(): string {
    return this.#options.name;
  }

  /**
   * The runtime: server events, resource notifications, the task engine and the
   * open sessions (see {@link ServerRuntime}). Made on first use, which reads and
   * checks every `@Tool`, `@Resource` and `@Prompt` (so definition errors surface
   * here, at start-up).
   * @throws McpcError `INVALID_TOOL_DEFINITION`, `DUPLICATE_TOOL`, `INVALID_RESOURCE_DEFINITION`,
   *   `DUPLICATE_RESOURCE`, `INVALID_PROMPT_DEFINITION`, `DUPLICATE_PROMPT`
   */
  get runtime(): ServerRuntime {
    if (!this.#runtime) {
      checkReservedMethods(this, McpcServer.prototype, "McpcServer");
      const providers = (this.#options.tools ?? []).map(instantiate);
      const instances = [this, ...providers];
      const definitions = readToolDefinitions(instances);
      const catalog = { resources: readResourceDefinitions(instances), prompts: readPromptDefinitions(instances) };
      const { tools: _tools, ...runtimeOptions } = this.#options;
      this.#runtime = new McpcRuntime(runtimeOptions, definitions, catalog);
    }
    return this.#runtime;
  }

  /**
   * Starts serving on stdio (the default transport) and resolves once it serves.
   * A task store with a backend (`tasks.store`, Redis say) is awaited first
   * (`store.ready()`): when it cannot be reached, this rejects with the store's
   * error, which names it; the store is closed after the server on shutdown.
   * The client going away, SIGINT or SIGTERM shut the server down gracefully and
   * exit the process; with `exitOnClose: false`, await the returned `closed` instead.
   */
  serve(options?: StdioServeOptions): Promise<{ closed: Promise<void> }>;
  /**
   * Starts serving over HTTP (`{ transport: "http", port, host }`) and resolves
   * once it listens, with its URL and `close()`. SIGINT and SIGTERM shut it down
   * gracefully and exit, unless `handleSignals` / `exitOnClose` are false.
   *
   * @example
   * ```ts
   * const { url } = await server.serve({ transport: "http", port: 3000 });
   * console.error(`serving on ${url}`);
   * ```
   */
  serve(options: HttpServeOptions): Promise<HttpServing>;
  async serve(options: ServeOptions = {}): Promise<{ closed: Promise<void> } | HttpServing> {
    // Under `mcpc serve` the runner owns serving: the file's own `serve()` call hands
    // this instance over and gets the runner's handle (see serveRunner.ts, docs/cli.md).
    const runner = installedServeRunner();
    // A store that must reach a backend (Redis) fails here, naming it, before anything listens.
    await this.#options.tasks?.store?.ready?.();
    if (runner) return runner.adopt(this, options);
    // This process serves: its store is closed after the server's sessions on shutdown (signals, the client leaving, close()).
    (this.runtime as McpcRuntime).closeStoreOnShutdown = true;
    if (options.transport === "http") {
      const { transport: _transport, ...http } = options;
      // Loaded on demand: the root entry never pulls in node:http.
      const { serveHttp } = await import("../transports/http/httpServer.js");
      return serveHttp(this.runtime, http);
    }
    const transport = options.transport ?? "stdio";
    if (transport !== "stdio") {
      throw new McpcError("INVALID_ARGUMENT", `Unknown transport "${String(transport)}". Use "stdio" or "http".`);
    }
    return serveStdio(this.runtime, options);
  }

  /** Serves one SDK transport (an in-memory pair in tests, say) as one session; resolves with its session id. */
  async connect(transport: Transport): Promise<string> {
    const session = await this.runtime.connect(transport);
    return session.id;
  }

  /**
   * Sends a server event (a `server_event` message) to one session, or to every
   * session. MCPC sessions get it as a message; a plain client, which could not
   * parse one, reads it from the resource `mcpc://events` and, if it asked for
   * logs at `info`, as a `notifications/message` line (where job handles are on).
   * @returns how many sessions it reached: MCPC sessions as a message, plain ones (where job handles are on) in their `mcpc://events` resource.
   */
  emit(event: string, payload?: unknown, options?: EmitOptions): number {
    return this.runtime.emit(event, payload, options);
  }

  /**
   * Tells every session that subscribed to `uri` (`resources/subscribe`) that it
   * changed (`notifications/resources/updated`); they read it again if they want.
   * @returns how many sessions it was sent to.
   *
   * @example
   * ```ts
   * this.notes.set(id, text);
   * this.notifyResourceUpdated(`notes://${id}`);
   * ```
   */
  notifyResourceUpdated(uri: string): number {
    return this.runtime.notifyResourceUpdated(uri);
  }

  /** Stops running tasks within the shutdown deadline, answers open calls and closes every session. */
  async close(): Promise<void> {
    await this.#runtime?.shutdown();
  }
}

/**
 * Builds a server from classes whose methods carry `@Tool`, for composition
 * without inheritance.
 *
 * @example
 * ```ts
 * const server = createServer({ name: "tools", version: "1.0.0", tools: [MathTools, DataTools] });
 * await server.serve();
 * ```
 */
export function createServer(options: McpcServerOptions): McpcServer {
  return new McpcServer(options);
}

function instantiate(provider: ToolProvider): object {
  if (typeof provider === "function") {
    try {
      return new (provider as new () => object)();
    } catch (error) {
      throw new McpcError(
        "INVALID_TOOL_DEFINITION",
        `Could not construct tool class ${provider.name || "(anonymous)"} with no arguments: ${(error as Error).message}. Pass an instance instead.`,
        { cause: error },
      );
    }
  }
  if (typeof provider !== "object" || provider === null) {
    throw new McpcError("INVALID_TOOL_DEFINITION", `tools[] holds ${String(provider)}; pass classes with @Tool methods, or instances of them.`);
  }
  return provider;
}
