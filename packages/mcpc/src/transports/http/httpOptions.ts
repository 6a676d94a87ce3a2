import { McpcError } from "../../errors.js";
import type { SessionClosePolicy } from "../../session/sessionOptions.js";
import { loopbackHosts, loopbackOrigins, type Authenticate } from "./security.js";
import { checkRoutes, type HttpRoute } from "./httpRoute.js";

/**
 * How `serve({ transport: "http" })` serves. Every field has a safe default:
 * loopback only, `Host` and `Origin` checked, bounded bodies, sessions and
 * event stores. See docs/transports.md.
 */
export interface HttpOptions {
  /** TCP port; `0` picks a free one (read it from the returned `port`). Default 3000. */
  port?: number;
  /**
   * Address to bind. Default `"127.0.0.1"`. Binding to anything but a loopback
   * address (`127.x.x.x`, `::1`, `localhost`) needs {@link authenticate}, or
   * {@link allowUnauthenticated} to say that something in front of the server authenticates.
   */
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
  /**
   * Serve a non-loopback `host` without an `authenticate` hook: anyone who reaches
   * the port can run every tool. Only for a server behind a proxy or network
   * that authenticates for it. Default false (`serveHttp` refuses to start).
   */
  allowUnauthenticated?: boolean;
  /** Largest POST body accepted, in bytes; larger ones get `413`. Default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * Sessions open at once (both transports). When the table is full a new one
   * closes the most idle session (no request open but its stream, no task
   * running); when none is, it gets `503`. Default 1,000.
   */
  maxSessions?: number;
  /**
   * Sessions open at once per client: per principal with `authenticate`, else per
   * remote address. At the limit, a new one closes that client's most idle session
   * (as for `maxSessions`), or gets `429` when each is busy. Default 250.
   */
  maxSessionsPerClient?: number;
  /**
   * A session with no request open for this long is closed. Its GET (or legacy
   * `/sse`) stream does not count, unless the session has a task running. Default 30 min.
   */
  sessionIdleMs?: number;
  /** What closing a session does to the tasks it started. Default `"stop"`. See {@link SessionClosePolicy}. */
  sessionClose?: SessionClosePolicy;
  /** Events each Streamable HTTP session keeps for `Last-Event-ID` resumption. Default 1,000. */
  maxEventsPerSession?: number;
  /** How much those events may weigh together, in characters of JSON; the oldest go first. Default 1 MiB. */
  maxEventBytesPerSession?: number;
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
  /**
   * Handlers served next to MCP under paths of their own (the task dashboard of
   * `mcpc/dashboard`, say), behind the same `Host`/`Origin` checks and
   * `authenticate` hook. Default: none.
   */
  routes?: readonly HttpRoute[];
}

/** The options with every default applied, once the port is known. */
export interface ResolvedHttpOptions {
  host: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  authenticate: Authenticate | undefined;
  maxBodyBytes: number;
  maxSessions: number;
  maxSessionsPerClient: number;
  sessionIdleMs: number;
  sessionClose: SessionClosePolicy;
  maxEventsPerSession: number;
  maxEventBytesPerSession: number;
  keepAliveMs: number;
  retryIntervalMs: number | undefined;
  legacySse: boolean;
  routes: readonly HttpRoute[];
}

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** True for an address only this machine can reach: `localhost`, `127.0.0.0/8`, `::1`. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(host);
}

/** Checks the options before anything listens. @throws McpcError `INVALID_ARGUMENT` */
export function checkHttpOptions(options: HttpOptions): void {
  const host = options.host ?? "127.0.0.1";
  if (WILDCARDS.has(host) && options.allowedHosts === undefined) {
    throw new McpcError(
      "INVALID_ARGUMENT",
      `Binding to "${host}" accepts requests for any name, so the Host check needs to know yours: pass allowedHosts (e.g. ["mcp.example.com:443"]), or ["*"] to accept any.`,
    );
  }
  if (!isLoopbackHost(host) && options.authenticate === undefined && options.allowUnauthenticated !== true) {
    throw new McpcError(
      "INVALID_ARGUMENT",
      `Binding to "${host}" lets other machines reach this server, and with no authenticate hook anyone who reaches the port can run every tool. ` +
        `Pass authenticate (a function from the request to a principal; see docs/transports.md, "Security defaults"), ` +
        `or allowUnauthenticated: true if a proxy or network in front of the server authenticates for it.`,
    );
  }
  for (const name of ["maxBodyBytes", "maxSessions", "maxSessionsPerClient", "sessionIdleMs", "maxEventsPerSession", "maxEventBytesPerSession"] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "number" || Number.isNaN(value) || value <= 0)) {
      throw new McpcError("INVALID_ARGUMENT", `HTTP option "${name}" must be a positive number; got ${String(value)}.`);
    }
  }
  if (options.routes !== undefined) {
    if (!Array.isArray(options.routes)) throw new McpcError("INVALID_ARGUMENT", "HTTP option \"routes\" must be an array of routes ({ path, handle }).");
    checkRoutes(options.routes);
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
    maxSessionsPerClient: options.maxSessionsPerClient ?? 250,
    sessionIdleMs: options.sessionIdleMs ?? 30 * 60 * 1_000,
    sessionClose: options.sessionClose ?? "stop",
    maxEventsPerSession: options.maxEventsPerSession ?? 1_000,
    maxEventBytesPerSession: options.maxEventBytesPerSession ?? 1024 * 1024,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    retryIntervalMs: options.retryIntervalMs,
    legacySse: options.legacySse ?? true,
    routes: options.routes ?? [],
  };
}
