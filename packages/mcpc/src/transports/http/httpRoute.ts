import type { IncomingMessage, ServerResponse } from "node:http";
import { McpcError } from "../../errors.js";

/**
 * A handler of its own that an HTTP server serves next to MCP, under one path
 * (the dashboard from `mcpc/dashboard` is one). A request for `path` or below
 * reaches it only after the server's checks: `Host`/`Origin`, then the
 * `authenticate` hook, whose principal it receives. Nothing is mounted unless
 * it is passed in `routes`.
 *
 * @example
 * ```ts
 * const health: HttpRoute = {
 *   path: "/health",
 *   handle: (_request, response) => {
 *     response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
 *   },
 * };
 * await server.serve({ transport: "http", port: 3000, routes: [health] });
 * ```
 */
export interface HttpRoute {
  /** Where it is mounted: `"/dashboard"` serves `/dashboard` and everything under `/dashboard/`. */
  readonly path: string;
  /** Answers one request; `principal` is the authenticated caller's id (undefined without an `authenticate` hook). */
  handle(request: IncomingMessage, response: ServerResponse, principal: string | undefined): void | Promise<void>;
}

/** The paths MCP itself is served at: a route may not shadow them. */
const RESERVED = ["/mcp", "/sse", "/messages"];

/** Checks mounted routes before anything listens. @throws McpcError `INVALID_ARGUMENT` */
export function checkRoutes(routes: readonly HttpRoute[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const path = (route as Partial<HttpRoute> | undefined)?.path;
    if (typeof path !== "string" || !/^\/[^?#]*[^/?#]$/.test(path)) {
      throw new McpcError("INVALID_ARGUMENT", `An HTTP route needs a path like "/dashboard" (a leading slash, no trailing one, no query); got ${JSON.stringify(path)}.`);
    }
    if (RESERVED.some((reserved) => path === reserved || path.startsWith(`${reserved}/`))) {
      throw new McpcError("INVALID_ARGUMENT", `HTTP route "${path}" would shadow where MCP is served (${RESERVED.join(", ")}); mount it elsewhere.`);
    }
    if (seen.has(path)) throw new McpcError("INVALID_ARGUMENT", `Two HTTP routes are mounted at "${path}"; give each its own path.`);
    seen.add(path);
  }
}

/** The route that serves `pathname`, if any (the longest mount path wins). */
export function routeFor(routes: readonly HttpRoute[], pathname: string): HttpRoute | undefined {
  let found: HttpRoute | undefined;
  for (const route of routes) {
    if ((pathname === route.path || pathname.startsWith(`${route.path}/`)) && route.path.length > (found?.path.length ?? 0)) found = route;
  }
  return found;
}
