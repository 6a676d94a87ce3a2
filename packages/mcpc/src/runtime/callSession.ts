import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import type { TaskRegistry } from "../tasks/taskRegistry.js";
import type { LegacySession } from "./legacyDialect.js";
import type { LogLevel } from "./logger.js";
import type { EmitOptions, RuntimeOptions } from "./runtime.js";
import type { PingBarrier } from "./pingBarrier.js";
import type { SessionTransport } from "./sessionTransport.js";

/**
 * What answering one call needs from its server: the checked tools, the task
 * engine and server events. `McpcRuntime` is one; the helper for plain SDK
 * servers (`mcpc/helper`) is another, so both run on the same delivery ladder.
 */
export interface CallRuntime {
  readonly tools: ReadonlyMap<string, ToolDefinition>;
  readonly closing: boolean;
  readonly registry: TaskRegistry;
  readonly options: Pick<RuntimeOptions, "name" | "pingBarrierTimeoutMs">;
  /** Open sessions by id (a legacy tag may not name another one). */
  readonly sessions: ReadonlyMap<string, unknown>;
  emit(event: string, payload: unknown, options?: EmitOptions, afterRequestId?: string | number): number;
}

/**
 * What answering one call needs from its connection. `Session` is one; the
 * helper's session over a user's own SDK server is another.
 */
export interface CallSession {
  readonly id: string;
  /** Who owns the tasks this session starts (the session id, or an authenticated principal's). */
  readonly owner: string;
  readonly runtime: CallRuntime;
  /** The client declared the native capability in `initialize`. */
  readonly native: boolean;
  /** Set once the client negotiated the legacy (Python) dialect through a handshake tool. */
  legacy: LegacySession | undefined;
  /** False where forged responses cannot travel (Streamable HTTP): the legacy handshake then declines. */
  readonly supportsForgedResponses: boolean;
  readonly transport: SessionTransport;
  readonly server: Server;
  /** The session's ping barrier (its `oneStream` says whether calls ending together share one ping); where absent, each call pings on its own. */
  readonly pingBarrier?: PingBarrier;
  log(level: LogLevel, logger: string, message: string, data: unknown, relatedRequestId?: string | number): void;
  /** Sees each task event of a task this session started (`created` … terminal), so its close policy can act on them. */
  trackTask?(taskId: string, event: string): void;
}
