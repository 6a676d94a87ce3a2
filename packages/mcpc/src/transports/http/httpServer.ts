import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorMessage } from "../../errors.js";
import type { SessionHost } from "../../session/sessionHost.js";
import { HttpContext } from "./httpContext.js";
import { checkHttpOptions, resolveHttpOptions, type HttpOptions } from "./httpOptions.js";
import { openLegacySse, postLegacyMessage, LEGACY_MESSAGES_PATH } from "./legacySse.js";
import { HTTP_ERROR_CODES, RequestGuard, refuse } from "./security.js";
import { handleStreamableHttp } from "./streamableHttp.js";
import { routeFor } from "./httpRoute.js";

/** Where Streamable HTTP is served. */
export const STREAMABLE_HTTP_PATH = "/mcp";
/** Where a legacy SSE client opens its stream. */
export const LEGACY_SSE_PATH = "/sse";

/** A running HTTP server, as `serve({ transport: "http" })` resolves. */
export interface HttpServing {
  /** The Streamable HTTP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  /** The legacy SSE endpoint (`…/sse`), or undefined when `legacySse` is off. */
  readonly sseUrl: string | undefined;
  /** The port bound (the one chosen when `port` was 0). */
  readonly port: number;
  /** The address bound. */
  readonly host: string;
  /** Settles once the server has shut down (through {@link close} or a signal). */
  readonly closed: Promise<void>;
  /** Shuts down: stops running tasks within the deadline, answers open calls, closes every session and the port. */
  close(): Promise<void>;
}

/**
 * Serves a runtime over HTTP on one port: Streamable HTTP at `/mcp` and the
 * legacy HTTP+SSE transport at `/sse` + `/messages`, both on the SDK's
 * transports, one mcpc session per HTTP session over the runtime's one task
 * engine. Every request passes the `Host`/`Origin` guard and the
 * `authenticate` hook before it reaches a session.
 *
 * @example
 * ```ts
 * const serving = await serveHttp(server.runtime, { port: 0 });
 * console.error(`listening on ${serving.url}`);
 * await serving.close();
 * ```
 */
export async function serveHttp(runtime: SessionHost, options: HttpOptions = {}): Promise<HttpServing> {
  checkHttpOptions(options);
  const host = options.host ?? "127.0.0.1";
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const resolved = resolveHttpOptions(options, port);
  const context = new HttpContext(runtime, resolved);
  const guard = new RequestGuard(resolved.allowedHosts, resolved.allowedOrigins);
  // Attached in the continuation of `listening`, before the event loop reads any connection.
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    routeRequest(context, guard, request, response).catch((error: unknown) => {
      runtime.logger("error", `HTTP ${request.method ?? ""} ${request.url ?? ""}: ${errorMessage(error)}`);
      refuse(response, { status: 500, code: -32603, message: "Internal error while handling the request; see the server log." });
    });
  });

  const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    runtime.logger("info", `shutting down (${signal})`);
    close().then(
      () => {
        if (options.exitOnClose ?? true) process.exit(0);
      },
      () => undefined,
    );
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      context.sessions.close();
      await runtime.shutdown().catch((error: unknown) => runtime.logger("error", `shutdown: ${errorMessage(error)}`));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Streams that outlived their sessions, and idle keep-alive sockets, would hold close() open.
        server.closeAllConnections();
      });
      resolveClosed();
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  return { url: `${base}${STREAMABLE_HTTP_PATH}`, sseUrl: resolved.legacySse ? `${base}${LEGACY_SSE_PATH}` : undefined, port, host, closed, close };
}

async function routeRequest(context: HttpContext, guard: RequestGuard, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const refusal = guard.check(request);
  if (refusal) return refuse(response, refusal);
  let principal: string | undefined;
  const { authenticate } = context.options;
  if (authenticate) {
    const who = await authenticate(request);
    if (who === null || who === undefined || typeof who.id !== "string" || who.id.length === 0) {
      return refuse(response, { status: 401, code: HTTP_ERROR_CODES.refused, message: "Unauthorized: this server needs credentials it accepts." });
    }
    principal = who.id;
  }
  const url = new URL(request.url ?? "/", "http://localhost");
  if (url.pathname === STREAMABLE_HTTP_PATH) return handleStreamableHttp(context, request, response, principal);
  if (context.options.legacySse && url.pathname === LEGACY_SSE_PATH) return openLegacySse(context, request, response, principal);
  if (context.options.legacySse && url.pathname === LEGACY_MESSAGES_PATH) return postLegacyMessage(context, request, response, url, principal);
  const route = routeFor(context.options.routes, url.pathname);
  if (route) return route.handle(request, response, principal);
  const where = context.options.legacySse ? `${STREAMABLE_HTTP_PATH} (Streamable HTTP) and ${LEGACY_SSE_PATH} (legacy SSE)` : STREAMABLE_HTTP_PATH;
  return refuse(response, { status: 404, code: HTTP_ERROR_CODES.refused, message: `Not Found: this server serves MCP at ${where}.` });
}
