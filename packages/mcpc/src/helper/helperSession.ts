import { newId } from "../util/ids.js";
import { textOf } from "../util/describe.js";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { MCPC_CAPABILITY, type McpcMessage } from "../protocol/message.js";
import type { CallRuntime, CallSession } from "../call/callSession.js";
import { wireMessageFor } from "../rungs/legacyDialect.js";
import type { LegacySession } from "../call/callSession.js";
import type { Logger, LogLevel } from "../util/logger.js";
import { HelperTransport } from "./helperTransport.js";
import { PingBarrier } from "../session/pingBarrier.js";

/**
 * One connection of a plain SDK server with the helper attached: what the
 * delivery ladder needs (see `CallSession`), over the user's own `Server`.
 */
export class HelperSession implements CallSession {
  readonly id: string;
  readonly owner: string;
  readonly runtime: CallRuntime;
  readonly server: Server;
  readonly transport: HelperTransport;
  legacy: LegacySession | undefined;
  readonly supportsForgedResponses: boolean;
  readonly pingBarrier: PingBarrier | undefined;
  readonly #logger: Logger;

  constructor(runtime: CallRuntime, server: Server, inner: Transport, logger: Logger, onClosed: (session: HelperSession) => void) {
    this.runtime = runtime;
    this.server = server;
    this.#logger = logger;
    this.id = inner.sessionId ?? newId();
    this.owner = this.id;
    // Streamable HTTP (it has handleRequest) cannot carry a response that answers no request.
    this.supportsForgedResponses = typeof (inner as { handleRequest?: unknown }).handleRequest !== "function";
    // One stream (anything but Streamable HTTP): calls ending together share one barrier ping.
    this.pingBarrier = this.supportsForgedResponses ? new PingBarrier(server, () => runtime.options.pingBarrierTimeoutMs ?? 5_000) : undefined;
    this.transport = new HelperTransport(inner, this, () => onClosed(this), (error) =>
      logger("warning", `unreadable input from the client: ${error.message}`),
    );
  }

  /** True when the client declared the native MCPC capability in `initialize`. */
  get native(): boolean {
    const experimental = this.server.getClientCapabilities()?.experimental as Record<string, unknown> | undefined;
    return typeof experimental?.[MCPC_CAPABILITY] === "object" && experimental[MCPC_CAPABILITY] !== null;
  }

  /** Sends a message in this session's dialect; false for a plain client, which never gets one. */
  sendMessage(message: McpcMessage, afterRequestId?: string | number): boolean {
    const wire = wireMessageFor(this, message);
    if (wire === undefined) return false;
    const failed = (error: unknown) => this.#logger("warning", `session ${this.id}: ${String(error)}`);
    // Best effort, as on an McpcServer session: dropped and counted while the client is not keeping up.
    this.transport.offer("server_events", wire, undefined, afterRequestId)?.catch(failed);
    return true;
  }

  log(level: LogLevel, logger: string, message: string, data: unknown): void {
    this.#logger(level, `[${logger}] ${message}${data === undefined ? "" : ` ${textOf(data)}`}`);
    // The SDK server decides, from its own `logging` capability and the client's level.
    this.server
      .sendLoggingMessage({ level, logger, data: data === undefined ? message : { message, data } })
      .catch(() => undefined);
  }
}
