import type { IncomingMessage, ServerResponse } from "node:http";
import { errorMessage } from "../../errors.js";
import type { SessionHost } from "../../session/sessionHost.js";
import type { ResolvedHttpOptions } from "./httpOptions.js";
import { HTTP_ERROR_CODES, refuse } from "./security.js";
import { SessionTable, type HttpSession } from "./sessionTable.js";

/**
 * What both HTTP transports share on one server: the runtime, the resolved
 * options and the session table, with the steps every session goes through
 * (admitted under the session limits, connected to the runtime, found again by
 * id, closed).
 */
export class HttpContext {
  readonly runtime: SessionHost;
  readonly options: ResolvedHttpOptions;
  readonly sessions: SessionTable;

  constructor(runtime: SessionHost, options: ResolvedHttpOptions) {
    this.runtime = runtime;
    this.options = options;
    this.sessions = new SessionTable(
      options.sessionIdleMs,
      (entry) => this.#hasRunningTask(entry),
      (entry) => this.#close(entry, `closing idle HTTP session ${entry.id} (no request but its stream for ${options.sessionIdleMs} ms, and no task running)`),
    );
  }

  /**
   * Makes room for a new session of `client`, or refuses it. At the client's
   * limit (`maxSessionsPerClient`) that client's most idle session gives way;
   * with the table full (`maxSessions`), the most idle session of anyone does.
   * Only a session with no request open but its stream, and no task running,
   * is ever closed for room. True when the new session may open.
   */
  async admit(response: ServerResponse, client: string): Promise<boolean> {
    if (this.runtime.closing) {
      refuse(response, { status: 503, code: HTTP_ERROR_CODES.refused, message: "Service Unavailable: the server is shutting down." });
      return false;
    }
    const { maxSessions, maxSessionsPerClient } = this.options;
    // Loops, re-read after each await: concurrent admissions must not overshoot the limits.
    while (this.sessions.countOf(client) >= maxSessionsPerClient) {
      const victim = await this.sessions.evictable(client);
      if (!victim) {
        refuse(response, {
          status: 429,
          code: HTTP_ERROR_CODES.refused,
          message: `Too Many Requests: ${describeClient(client)} has ${this.sessions.countOf(client)} sessions open, the limit (maxSessionsPerClient), each with a request or a task running. Close one (DELETE /mcp) or retry later.`,
          headers: { "Retry-After": "5" },
        });
        return false;
      }
      this.#close(victim, `closing HTTP session ${victim.id} to make room: ${describeClient(client)} is at maxSessionsPerClient (${maxSessionsPerClient}) and this session was its most idle`);
    }
    while (this.sessions.size >= maxSessions) {
      const victim = await this.sessions.evictable();
      if (!victim) {
        refuse(response, {
          status: 503,
          code: HTTP_ERROR_CODES.refused,
          message: `Service Unavailable: ${this.sessions.size} sessions are open, the limit (maxSessions), each with a request or a task running. Close one (DELETE /mcp) or retry later.`,
          headers: { "Retry-After": "5" },
        });
        return false;
      }
      this.#close(victim, `closing HTTP session ${victim.id} to make room: ${this.sessions.size} sessions are open (maxSessions) and this one was the most idle`);
    }
    return true;
  }

  /** Connects a new session to the runtime; on failure answers `503` and forgets it. */
  async connect(entry: HttpSession, response: ServerResponse): Promise<boolean> {
    try {
      entry.session = await this.runtime.connect(entry.transport, {
        id: entry.id,
        owner: entry.principal ?? entry.id,
        transportKind: entry.kind,
        closePolicy: this.options.sessionClose,
        outbound: entry.outbound,
        onClosed: () => {
          this.sessions.delete(entry.id);
          entry.outbound.close();
        },
      });
      return true;
    } catch (error) {
      this.sessions.delete(entry.id);
      entry.outbound.close();
      refuse(response, { status: 503, code: HTTP_ERROR_CODES.refused, message: `Service Unavailable: ${errorMessage(error)}` });
      return false;
    }
  }

  /**
   * The caller's open session of that kind, or a `404` answered for it. A
   * session of another principal is "not found" too: its existence is not revealed.
   */
  find<K extends HttpSession["kind"]>(response: ServerResponse, id: string, principal: string | undefined, kind: K): Extract<HttpSession, { kind: K }> | undefined {
    const entry = this.sessions.get(id);
    if (entry?.kind === kind && entry.principal === principal) return entry as Extract<HttpSession, { kind: K }>;
    refuse(response, {
      status: 404,
      code: HTTP_ERROR_CODES.sessionNotFound,
      message: `Session not found: "${id}" is not an open session of yours. It may have been closed or expired; initialize a new one.`,
    });
    return undefined;
  }

  /** Forgets a session at once (so nobody finds or picks it again) and closes it. */
  #close(entry: HttpSession, why: string): void {
    this.sessions.delete(entry.id);
    this.runtime.logger("info", why);
    (entry.session?.close() ?? entry.transport.close()).catch((error: unknown) => this.runtime.logger("warning", `closing session ${entry.id}: ${errorMessage(error)}`));
  }

  /** Whether a session has a task running. A session not connected yet counts as busy: it is never closed on a guess. */
  #hasRunningTask(entry: HttpSession): Promise<boolean> {
    return Promise.resolve(entry.session === undefined || entry.session.liveTaskCount > 0);
  }
}

/**
 * Whose sessions count together under `maxSessionsPerClient`: the principal the
 * `authenticate` hook established, else the address the request came from.
 */
export function clientKey(request: IncomingMessage, principal: string | undefined): string {
  return principal !== undefined ? `principal ${principal}` : `address ${request.socket.remoteAddress ?? "unknown"}`;
}

function describeClient(client: string): string {
  return client.startsWith("principal ") ? `principal "${client.slice("principal ".length)}"` : `the client at ${client.slice("address ".length)}`;
}
