import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Who made a request, as an {@link Authenticate} hook established it. Its `id`
 * owns the tasks started under it: another principal can neither see nor stop them.
 */
export interface Principal {
  /** A stable id of the caller (a user id, a client id, the subject of a token). */
  readonly id: string;
}

/**
 * Decides who makes an HTTP request, from its headers. Return the caller's
 * {@link Principal}, or `undefined` / `null` to refuse the request with `401`.
 * It runs on every request; a session stays bound to the principal that opened it.
 *
 * @example
 * ```ts
 * const authenticate: Authenticate = (request) => {
 *   const token = request.headers.authorization?.replace(/^Bearer /, "");
 *   return token === process.env.API_TOKEN ? { id: "ops-team" } : undefined;
 * };
 * ```
 */
export type Authenticate = (request: IncomingMessage) => Principal | null | undefined | Promise<Principal | null | undefined>;

/** JSON-RPC error codes of HTTP-level refusals (the server error range -32000..-32099). */
export const HTTP_ERROR_CODES = {
  /** Refused before any session was involved: Host, Origin, authentication, size, limits. */
  refused: -32000,
  /** The `Mcp-Session-Id` (or `sessionId`) names no session of this caller. */
  sessionNotFound: -32001,
} as const;

/** A refusal: an HTTP status and the JSON-RPC error sent as the body. */
export interface Refusal {
  status: number;
  code: number;
  message: string;
  headers?: Record<string, string>;
}

/** Writes a refusal as a JSON-RPC error body (`id: null`), the way the SDK transports answer theirs. */
export function refuse(res: ServerResponse, refusal: Refusal): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(refusal.status, { "Content-Type": "application/json", ...refusal.headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: refusal.code, message: refusal.message }, id: null }));
}

/** The loopback names a local client may use in `Host`, with the port the server listens on. */
export function loopbackHosts(port: number): string[] {
  return [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
}

/** The origins of pages served by this same local server (a browser client on the loopback). */
export function loopbackOrigins(port: number): string[] {
  return loopbackHosts(port).map((host) => `http://${host}`);
}

/**
 * DNS-rebinding protection. A page on `http://evil.example` whose name was
 * rebound to 127.0.0.1 reaches a local server with `Host: evil.example` and
 * `Origin: http://evil.example`: both are refused unless allow-listed.
 * A missing `Origin` is accepted (SDK Node clients send none; browsers always do).
 */
export class RequestGuard {
  readonly #hosts: ReadonlySet<string>;
  readonly #origins: ReadonlySet<string>;
  readonly #anyHost: boolean;

  constructor(allowedHosts: readonly string[], allowedOrigins: readonly string[]) {
    this.#anyHost = allowedHosts.includes("*");
    this.#hosts = new Set(allowedHosts.map((host) => host.toLowerCase()));
    this.#origins = new Set(allowedOrigins.map((origin) => origin.toLowerCase()));
  }

  /** The refusal for this request, or undefined when its `Host` and `Origin` are allowed. */
  check(request: IncomingMessage): Refusal | undefined {
    const host = request.headers.host;
    if (!this.#anyHost && (host === undefined || !this.#hosts.has(host.toLowerCase()))) {
      return {
        status: 403,
        code: HTTP_ERROR_CODES.refused,
        message: `Forbidden: Host "${host ?? ""}" is not allowed. Connect through an allowed host name, or add it to allowedHosts.`,
      };
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !this.#origins.has(origin.toLowerCase())) {
      return {
        status: 403,
        code: HTTP_ERROR_CODES.refused,
        message: `Forbidden: Origin "${origin}" is not allowed. Add it to allowedOrigins to serve pages from there.`,
      };
    }
    return undefined;
  }
}
