import { McpcError } from "../../errors.js";
import type { SessionClosePolicy } from "../sessionOptions.js";
import { loopbackHosts, loopbackOrigins, type Authenticate } from "./security.js";

/**
 * How `serve({ transport: "http" })` serves. Every field has a safe default:
 * loopback only, `Host` and `Origin` checked, bounded bodies, sessions and
 * event stores. See docs/transports.md.
 */
export interface HttpOptions {
  /** TCP port; `0` picks a free one (read it from the returned `port`). Default 3000. */
  port?: number;
  /** Address to bind. Default `"127.0.0.1"`; binding elsewhere is a deliberate choice. */
  host?: string;
  /**
   * `Host` header values accepted (`name:port`), replacing the default: the loopback
   * names with the port, plus `host:port` when `host` is a name or a single address.
   * `["*"]` accepts any. Binding to `0.0.0.0` or `::` requires this option.
   */
  allowedHosts?: readonly string[];
  /**
   * `Origin` header values accepted, replacing the default (`http://localhost:<port>`,
   * `http://127.0.0.1:<port>`, `http://[::1]:<port>`). A request without `Origin` is always accepted.
   */
  allowedOrigins?: readonly string[];
  /** Runs on every request; its principal owns the tasks started under it. Default: none (the session id owns them). */
  authenticate?: Authenticate;
  /** Largest POST body accepted, in bytes; larger ones get `413`. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Sessions open at once (both transports); one more gets `503`. Default 1,000. */
  maxSessions?: number;
  /** A session with no open request (no GET or SSE stream either) for this long is closed. Default 30 min. */
  sessionIdleMs?: number;
  /** What closing a session does to the tasks it started. Default `"stop"`. See {@link SessionClosePolicy}. */
  sessionClose?: SessionClosePolicy;
  /** Events each Streamable HTTP session keeps for `Last-Event-ID` resumption. Default 1,000. */
  maxEventsPerSession?: number;
  /** Interval of SSE keep-alive comments on Streamable HTTP streams. Default 15 s; `0` turns them off. */
  keepAliveMs?: number;
  /** The `retry:` (ms) suggested to clients on each stream's priming event. Default: none (the client's own back-off). */
  retryIntervalMs?: number;
  /** Also serve the legacy HTTP+SSE transport (`GET /sse`, `POST /messages`). Default true. */
  legacySse?: boolean;
  /** Shut down on SIGINT and SIGTERM. Default true. */
  handleSignals?: boolean;
  /** Exit the process (code 0) once the server has shut down after a signal. Default true. */
  exitOnClose?: boolean;
}

/** The options with every default applied, once the port is known. */
export interface ResolvedHttpOptions {
  host: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  authenticate: Authenticate | undefined;
  maxBodyBytes: number;
  maxSessions: number;
  sessionIdleMs: number;
  sessionClose: SessionClosePolicy;
  maxEventsPerSession: number;
  keepAliveMs: number;
  retryIntervalMs: number | undefined;
  legacySse: boolean;
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Checks the options before anything listens. @throws McpcError `INVALID_ARGUMENT` */
export function checkHttpOptions(options: HttpOptions): void {
  const host = options.host ?? "127.0.0.1";
  if (WILDCARDS.has(host) && options.allowedHosts === undefined) {
    throw new McpcError(
      "INVALID_ARGUMENT",
      `Binding to "${host}" accepts requests for any name, so the Host check needs to know yours: pass allowedHosts (e.g. ["mcp.example.com:443"]), or ["*"] to accept any.`,
    );
  }
  for (const name of ["maxBodyBytes", "maxSessions", "sessionIdleMs", "maxEventsPerSession"] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "number" || Number.isNaN(value) || value <= 0)) {
      throw new McpcError("INVALID_ARGUMENT", `HTTP option "${name}" must be a positive number; got ${String(value)}.`);
    }
  }
  if (options.sessionClose !== undefined && options.sessionClose !== "stop" && options.sessionClose !== "finish") {
    throw new McpcError("INVALID_ARGUMENT", `HTTP option "sessionClose" must be "stop" or "finish"; got ${String(options.sessionClose)}.`);
  }
}

/** Applies the defaults; `port` is the port actually bound. */
export function resolveHttpOptions(options: HttpOptions, port: number): ResolvedHttpOptions {
  const host = options.host ?? "127.0.0.1";
  const ownHost = WILDCARDS.has(host) || LOOPBACK.has(host) ? [] : [`${host.includes(":") ? `[${host}]` : host}:${port}`];
  return {
    host,
    allowedHosts: options.allowedHosts ?? [...loopbackHosts(port), ...ownHost],
    allowedOrigins: options.allowedOrigins ?? loopbackOrigins(port),
    authenticate: options.authenticate,
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    maxSessions: options.maxSessions ?? 1_000,
    sessionIdleMs: options.sessionIdleMs ?? 30 * 60 * 1_000,
    sessionClose: options.sessionClose ?? "stop",
    maxEventsPerSession: options.maxEventsPerSession ?? 1_000,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    retryIntervalMs: options.retryIntervalMs,
    legacySse: options.legacySse ?? true,
  };
}
