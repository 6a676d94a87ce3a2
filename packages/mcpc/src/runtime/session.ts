import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  SetLevelRequestSchema,
  type JSONRPCMessage,
  type Tool as WireTool,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import {
  MCPC_CAPABILITY,
  MCPC_METHODS,
  MCPC_NATIVE_VERSION,
  MCPC_NOTIFICATION,
  type McpcServerEventMessage,
} from "../protocol/message.js";
import { atLeast, type LogLevel } from "./logger.js";
import type { McpcRuntime } from "./runtime.js";
import { SessionTransport } from "./sessionTransport.js";
import { callTool } from "./toolCall.js";
import { invalidParams, toWireError } from "./wireError.js";

// Params are checked by hand (readTaskId) so a bad one gets a -32602 that names the field, not a schema dump.
const GetTaskRequest = z.object({ method: z.literal(MCPC_METHODS.get), params: z.optional(z.looseObject({})) });
const StopTaskRequest = z.object({ method: z.literal(MCPC_METHODS.stop), params: z.optional(z.looseObject({})) });
const ListTasksRequest = z.object({ method: z.literal(MCPC_METHODS.list), params: z.optional(z.looseObject({})) });

function readTaskId(method: string, params: Record<string, unknown> | undefined): string {
  const taskId = params?.task_id;
  if (typeof taskId !== "string" || taskId.length === 0) {
    throw invalidParams(`${method} needs params { "task_id": "<id>" } with a non-empty string; got ${JSON.stringify(taskId) ?? "nothing"}.`);
  }
  return taskId;
}

/**
 * One connection: an SDK `Server` over one transport, the dialect its client
 * negotiated, and its calls in flight. Tasks it starts are owned by its id.
 */
export class Session {
  readonly id: string;
  readonly runtime: McpcRuntime;
  readonly server: Server;
  readonly transport: SessionTransport;
  /** Calls not yet answered, so shutdown can wait for their answers. */
  readonly inFlight = new Set<Promise<unknown>>();
  /** The level the client asked for with `logging/setLevel`; none means no log notifications. */
  logLevel: LogLevel | undefined;
  onClosed: (() => void) | undefined;
  #closed = false;
  #tools: WireTool[] | undefined;

  constructor(runtime: McpcRuntime, transport: Transport) {
    this.runtime = runtime;
    this.id = transport.sessionId ?? randomUUID();
    this.transport = new SessionTransport(transport, {
      onBadInput: (error) => runtime.logger("warning", `unreadable input from the client: ${error.message}`),
    });
    const { name, version, instructions } = runtime.options;
    this.server = new Server(
      { name, version },
      {
        capabilities: {
          tools: {},
          logging: {},
          experimental: { [MCPC_CAPABILITY]: { version: MCPC_NATIVE_VERSION, provider: name } },
        },
        ...(instructions !== undefined && { instructions }),
      },
    );
    this.server.onerror = (error) => runtime.logger("warning", `session ${this.id}: ${error.message}`);
    this.server.onclose = () => this.#markClosed();
    this.#registerHandlers();
  }

  /** True when the client declared the native MCPC capability in `initialize`. */
  get native(): boolean {
    const experimental = this.server.getClientCapabilities()?.experimental as Record<string, unknown> | undefined;
    return typeof experimental?.[MCPC_CAPABILITY] === "object" && experimental[MCPC_CAPABILITY] !== null;
  }

  async start(): Promise<void> {
    await this.server.connect(this.transport);
  }

  /**
   * Sends a server event if this session speaks MCPC; returns whether it did.
   * `afterRequestId`: an event a task emits waits, like the task's own events, for its call's answer.
   */
  sendServerEvent(message: McpcServerEventMessage, afterRequestId?: string | number): boolean {
    if (this.#closed || !this.native) return false;
    const notification: JSONRPCMessage = { jsonrpc: "2.0", method: MCPC_NOTIFICATION, params: message as unknown as Record<string, unknown> };
    if (afterRequestId === undefined) this.sendEvent(notification);
    else this.transport.sendAfterAnswer(afterRequestId, notification);
    return true;
  }

  /** Sends one event message now, past the protocol layer. */
  sendEvent(message: JSONRPCMessage): void {
    if (this.#closed) return;
    this.transport.sendDirect(message).catch((error: unknown) => this.runtime.logger("warning", `session ${this.id}: ${String(error)}`));
  }

  /** Logs a tool's line to stderr and, if the client asked for that level, to the client. */
  log(level: LogLevel, logger: string, message: string, data: unknown, relatedRequestId?: string | number): void {
    this.runtime.logger(level, `[${logger}] ${message}${data === undefined ? "" : ` ${safeJson(data)}`}`);
    if (this.#closed || this.logLevel === undefined || !atLeast(level, this.logLevel)) return;
    this.transport
      .sendDirect(
        {
          jsonrpc: "2.0",
          method: "notifications/message",
          params: { level, logger, data: data === undefined ? message : { message, data } },
        },
        relatedRequestId === undefined ? undefined : { relatedRequestId },
      )
      .catch(() => undefined);
  }

  /** Waits for the calls in flight to be answered, at most `deadlineMs`. */
  async drain(deadlineMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs))),
    ]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.server.close();
    this.#markClosed();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClosed?.();
  }

  #registerHandlers(): void {
    const { server, runtime } = this;
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.#listTools() }));
    server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
      const answer = callTool(this, request, extra);
      this.inFlight.add(answer);
      void answer.finally(() => this.inFlight.delete(answer)).catch(() => undefined);
      return answer;
    });
    server.setRequestHandler(SetLevelRequestSchema, (request) => {
      this.logLevel = request.params.level;
      return {};
    });
    server.setRequestHandler(GetTaskRequest, async (request) => ({
      task: await toWireError(() => runtime.registry.get(this.id, readTaskId(MCPC_METHODS.get, request.params))),
    }));
    server.setRequestHandler(StopTaskRequest, async (request) => {
      const taskId = readTaskId(MCPC_METHODS.stop, request.params);
      const outcome = await toWireError(() => runtime.registry.stop(this.id, taskId, "Task stopped by the client"));
      return { task: outcome.task, stopped: outcome.stopped };
    });
    server.setRequestHandler(ListTasksRequest, async () => ({
      tasks: await runtime.registry.list(this.id),
    }));
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
    }));
    return this.#tools;
  }
}



function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
