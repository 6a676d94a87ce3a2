import type { EmitOptions } from "../call/callSession.js";
import type { SessionHost } from "../session/sessionHost.js";
import type { TaskRegistry } from "../tasks/taskRegistry.js";

/**
 * What a server's `runtime` offers its author: server events, resource
 * notifications, the task engine and the count of open sessions. It is also a
 * {@link SessionHost}, so it can be served on a transport of your choosing
 * (`serveHttp(server.runtime, options)` from `mcpc/http`).
 *
 * The runtime is made on first use of `server.runtime` (or `serve()`,
 * `connect()`, `emit()`), which checks every `@Tool`, `@Resource` and `@Prompt`.
 *
 * @example
 * ```ts
 * const server = new DataTools({ name: "data", version: "1.0.0" });
 * const { runtime } = server;
 * runtime.emit("notification", { text: "maintenance at noon" });
 * console.error(`${runtime.sessionCount} sessions, ${runtime.registry.liveCount} live tasks`);
 * ```
 */
export interface ServerRuntime extends SessionHost {
  /**
   * Sends a server event (a `server_event` message) to one session
   * (`options.sessionId`), or to every session that negotiated MCPC.
   * @returns how many sessions it reached: MCPC sessions as a message, plain ones (where job handles are on) in their `mcpc://events` resource.
   * @throws McpcError `INVALID_ARGUMENT` for an empty name, `UNSERIALIZABLE_VALUE` for a payload JSON cannot carry
   */
  emit(event: string, payload: unknown, options?: EmitOptions): number;
  /**
   * Sends `notifications/resources/updated` for `uri` to every session that
   * subscribed to it.
   * @returns how many sessions it was sent to.
   */
  notifyResourceUpdated(uri: string): number;
  /** The task engine this server's sessions share: `liveCount`, `stats()`, `list()`, `stop()`, … */
  readonly registry: TaskRegistry;
  /** The sessions open now (one per stdio connection or HTTP session). */
  readonly sessionCount: number;
  /**
   * Watches what happens in the runtime that the task engine does not record:
   * server events as they are emitted, sessions opening and closing. For tools
   * that look on (the dashboard, `mcpc/dashboard`); an observer runs inside
   * `emit`, so it should only note the event. What it throws is logged and ignored.
   * @returns a function that removes the observer
   */
  observe(observer: RuntimeObserver): () => void;
}

/** Something that happened in a runtime, as an observer sees it. `at`: when, in ms since the epoch. */
export type RuntimeEvent =
  | {
      type: "server_event";
      /** The event's name and payload, as emitted (not copied: do not change them). */
      event: string;
      payload: unknown;
      /** The one session it was addressed to, or undefined for every session. */
      sessionId: string | undefined;
      /** How many sessions it reached (what `emit` returns). */
      reached: number;
      at: number;
    }
  | { type: "session_opened"; sessionId: string; at: number }
  | { type: "session_closed"; sessionId: string; at: number };

/** Receives a runtime's events (see {@link ServerRuntime.observe}). */
export type RuntimeObserver = (event: RuntimeEvent) => void;
