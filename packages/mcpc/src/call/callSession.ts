import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { ToolDefinition } from "../definitions/toolDefinitions.js";
import type { TaskRegistry } from "../tasks/taskRegistry.js";
import type { LegacyHandshakeTool } from "../protocol/legacy.js";
import type { LogLevel } from "../util/logger.js";
import type { Inboxes } from "./inboxes.js";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";

/** The kinds of message a session may drop for a slow client (see session/outbound.ts). */
export type BestEffortKind = "server_events" | "logs" | "heartbeats";

/** Options of `McpcRuntime.emit` (reached as `server.runtime.emit`). */
export interface EmitOptions {
  /** Only this session; default every MCPC session. */
  sessionId?: string;
}

/** What a session learned from a legacy (Python mcpc 0.2.x) handshake. */
export interface LegacySession {
  /** The handshake tool the client called: it names the client's version range. */
  readonly handshake: LegacyHandshakeTool;
  /** The `mcpc_version` the client reported, if any. */
  readonly clientVersion?: string;
  /** The session id the client put in its last tag: echoed in the server events it receives. */
  clientSessionId?: string;
}

/**
 * What the rungs need from a session's transport (`SessionTransport` is one):
 * the answer-first gate, sends that wait for a slow client, and best-effort sends.
 */
export interface CallTransport {
  /** From now on, events of `requestId` wait until its answer went out (or {@link release}). */
  hold(requestId: RequestId): void;
  /** Lets the held events go; true when they were still held (the answer had not gone out). */
  release(requestId: RequestId): boolean;
  /** Sends a task event after the answer to `requestId`; settles once sent and the client keeps up. Never rejects. */
  sendAfterAnswer(requestId: RequestId, message: JSONRPCMessage, options?: TransportSendOptions): Promise<void>;
  /** Sends an update now; settles once sent and the client keeps up. */
  sendUpdate(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void>;
  /** Sends a best-effort message, or drops and counts it while the client is behind (undefined then). */
  offer(kind: BestEffortKind, message: JSONRPCMessage, options?: TransportSendOptions, afterRequestId?: RequestId): Promise<void> | undefined;
}

/** What the rungs need from a session's ping barrier (`PingBarrier` is one). */
export interface CallBarrier {
  /** Whether calls ending together share one ping (one ordered stream). */
  readonly oneStream: boolean;
  /** Resolves once the client answered a ping written after everything sent so far (or could not). */
  wait(relatedRequestId?: string | number): Promise<void>;
}

/** Job handles as a server serves them (`rungs/handles/handleOptions.ts` resolves them from its options). */
export interface ResolvedJobHandles {
  /** How long a plain call waits for its task before it is answered with a handle (ms). */
  readonly afterMs: number;
  readonly toolPrefix: string;
  /** The handle tools' names: status, result, stop, send. */
  readonly names: { readonly status: string; readonly result: string; readonly stop: string; readonly send: string };
}

/**
 * What answering one call needs from its server: the checked tools, the task
 * engine and server events. `McpcRuntime` is one; the helper for plain SDK
 * servers (`mcpc/helper`) is another, so both run on the same delivery ladder.
 */
export interface CallRuntime {
  readonly tools: ReadonlyMap<string, ToolDefinition>;
  readonly closing: boolean;
  readonly registry: TaskRegistry;
  readonly options: { readonly name: string; readonly pingBarrierTimeoutMs?: number | undefined };
  /** Open sessions by id (a legacy tag may not name another one). */
  readonly sessions: ReadonlyMap<string, unknown>;
  emit(event: string, payload: unknown, options?: EmitOptions, afterRequestId?: string | number): number;
  /** Job handles, where served; absent: plain calls wait for their task's end. */
  readonly jobHandles?: ResolvedJobHandles | undefined;
  /** The inboxes of running tasks, where tasks take messages; absent: `task.inbox` stays empty and `ask` needs elicitation. */
  readonly inboxes?: Inboxes | undefined;
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
  readonly transport: CallTransport;
  readonly server: Server;
  /** The session's ping barrier (its `oneStream` says whether calls ending together share one ping); where absent, each call pings on its own. */
  readonly pingBarrier?: CallBarrier;
  log(level: LogLevel, logger: string, message: string, data: unknown, relatedRequestId?: string | number): void;
}
