import type { ServerResponse } from "node:http";
import { errorMessage } from "../../errors.js";
import type { McpcRuntime } from "../runtime.js";
import type { ResolvedHttpOptions } from "./httpOptions.js";
import { HTTP_ERROR_CODES, refuse } from "./security.js";
import { SessionTable, type HttpSession } from "./sessionTable.js";

/**
 * What both HTTP transports share on one server: the runtime, the resolved
 * options and the session table, with the three steps every session goes through
 * (admitted under the session limit, connected to the runtime, found again by id).
 */
export class HttpContext {
  readonly runtime: McpcRuntime;
  readonly options: ResolvedHttpOptions;
  readonly sessions: SessionTable;

  constructor(runtime: McpcRuntime, options: ResolvedHttpOptions) {
    this.runtime = runtime;
    this.options = options;
    this.sessions = new SessionTable(options.sessionIdleMs, (entry) => {
      runtime.logger("info", `closing idle HTTP session ${entry.id} (no request for ${options.sessionIdleMs} ms)`);
      (entry.session?.close() ?? entry.transport.close()).catch((error: unknown) => runtime.logger("warning", `closing session ${entry.id}: ${errorMessage(error)}`));
    });
  }

  /** Refuses a new session when the server is full or shutting down; true when one may open. */
  admit(response: ServerResponse): boolean {
    if (this.runtime.closing) {
      refuse(response, { status: 503, code: HTTP_ERROR_CODES.refused, message: "Service Unavailable: the server is shutting down." });
      return false;
    }
    if (this.sessions.size >= this.options.maxSessions) {
      refuse(response, {
        status: 503,
        code: HTTP_ERROR_CODES.refused,
        message: `Service Unavailable: ${this.sessions.size} sessions are open, the limit (maxSessions). Close one (DELETE /mcp) or retry later.`,
        headers: { "Retry-After": "5" },
      });
      return false;
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
        onClosed: () => this.sessions.delete(entry.id),
      });
      return true;
    } catch (error) {
      this.sessions.delete(entry.id);
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
}
