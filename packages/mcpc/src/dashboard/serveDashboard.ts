import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpcError, errorMessage } from "../errors.js";
import type { ServerRuntime } from "../server/serverRuntime.js";
import { isLoopbackHost } from "../transports/http/httpOptions.js";
import { RequestGuard, loopbackHosts, loopbackOrigins } from "../transports/http/security.js";
import { Dashboard } from "./dashboard.js";
import type { DashboardOptions } from "./dashboardOptions.js";
import { sendText } from "./dashboardApi.js";

/** How {@link serveDashboard} listens, besides the dashboard's own options (its `path` defaults to `"/"` here). */
export interface DashboardServeOptions extends DashboardOptions {
  /** TCP port; `0` (default) picks a free one. */
  port?: number;
  /** A loopback address to bind: `127.0.0.1` (default), `localhost` or `::1`. Elsewhere, mount the dashboard behind `authenticate` instead. */
  host?: string;
}

/** A dashboard serving on its own loopback port. */
export interface DashboardServing {
  /** The page's address, token included: what to open in a browser. */
  readonly url: string;
  readonly port: number;
  readonly dashboard: Dashboard;
  /** Ends the page streams and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves a dashboard alone on a loopback port (what `mcpc serve --ui` does),
 * with the `Host`/`Origin` checks of the MCP endpoint for that port. For a
 * server other machines reach, mount a {@link Dashboard} on it with `routes`
 * instead, behind its `authenticate` hook.
 *
 * @example
 * ```ts
 * const { url, close } = await serveDashboard(server.runtime);
 * console.error(`dashboard: ${url}`);
 * await close();
 * ```
 * @throws McpcError `INVALID_ARGUMENT` for a host that is not a loopback address, or a bad option
 */
export async function serveDashboard(runtimes: ServerRuntime | readonly ServerRuntime[] = [], options: DashboardServeOptions = {}): Promise<DashboardServing> {
  const { port: wanted = 0, host = "127.0.0.1", ...dashboardOptions } = options;
  if (!isLoopbackHost(host)) {
    throw new McpcError("INVALID_ARGUMENT", `serveDashboard binds only to the loopback (got "${host}"): to reach it from elsewhere, mount the Dashboard on your HTTP server with routes, behind its authenticate hook.`);
  }
  const dashboard = new Dashboard(runtimes, { path: "/", ...dashboardOptions });
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(wanted, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const guard = new RequestGuard(loopbackHosts(port), loopbackOrigins(port));
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const refusal = guard.check(request);
    if (refusal) return sendText(response, refusal.status, refusal.message);
    dashboard.handle(request, response).catch((error: unknown) => sendText(response, 500, `Internal error: ${errorMessage(error)}`));
  });
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url: dashboard.pageUrl(origin),
    port,
    dashboard,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        dashboard.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
