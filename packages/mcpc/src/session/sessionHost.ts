import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { TaskRegistry } from "../tasks/taskRegistry.js";
import type { Logger } from "../util/logger.js";
import type { SessionOptions } from "./sessionOptions.js";

/** A session as the transport that carries it sees it (`Session` is one). */
export interface HostedSession {
  readonly id: string;
  /** Who owns the tasks it starts: the session id, or an authenticated principal's. */
  readonly owner: string;
  /** Its tasks that have not ended yet (running or queued). */
  readonly liveTaskCount: number;
  /** Closes it; its close policy applies to its tasks. */
  close(): Promise<void>;
}

/**
 * What a transport needs from the server it serves (`McpcRuntime` is one): a
 * way to turn a connection into a session, shutdown, and the engine's state for
 * its limits. Transports depend on this, never on the server class.
 */
export interface SessionHost {
  /** Serves one SDK transport as one session. */
  connect(transport: Transport, options?: SessionOptions): Promise<HostedSession>;
  /** Refuses new calls, stops running tasks within the deadline, closes every session. */
  shutdown(reason?: string): Promise<void>;
  /** True once shutdown began. */
  readonly closing: boolean;
  readonly logger: Logger;
  readonly registry: TaskRegistry;
}
