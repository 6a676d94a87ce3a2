/**
 * Who may see the dashboard: the token on every request (in the header for
 * actions), the `Host`/`Origin` checks of the MCP endpoint, and, mounted on an
 * HTTP server, that server's `authenticate` hook first.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { Dashboard, TOKEN_HEADER, serveDashboard, type DashboardServing } from "../../src/dashboard/index.js";
import type { HttpServing } from "../../src/transports/http/index.js";
import { Jobs } from "./fixture.js";
import { rawRequest } from "./sseClient.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function alone(): Promise<{ serving: DashboardServing; base: string }> {
  const server = new Jobs();
  const serving = await serveDashboard(server.runtime);
  cleanups.push(() => serving.close(), () => server.close());
  return { serving, base: `http://127.0.0.1:${serving.port}` };
}

describe("the dashboard served alone (serveDashboard)", () => {
  it("answers the page only with its token: none or a wrong one gets 401", async () => {
    const { serving, base } = await alone();
    expect(serving.url).toMatch(new RegExp(`^${base}/\\?token=[\\w-]{43}$`));
    expect((await rawRequest(`${base}/`)).status).toBe(401);
    expect((await rawRequest(`${base}/?token=${"x".repeat(43)}`)).status).toBe(401);
    expect((await rawRequest(`${base}/events`)).status).toBe(401);
    const page = await rawRequest(serving.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain("<title>mcpc tasks</title>");
    // Its own script runs under a nonce, nothing else; its URL holds the token, so no Referer leaves it.
    const nonce = /nonce="([^"]+)"/.exec(page.body)?.[1] ?? "";
    expect(page.headers["content-security-policy"]).toContain(`script-src 'nonce-${nonce}'`);
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
  });

  it("refuses a foreign Origin or Host with 403, token or not, like the MCP endpoint", async () => {
    const { serving, base } = await alone();
    const foreignOrigin = await rawRequest(serving.url, { headers: { Origin: "http://evil.example" } });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.body).toMatch(/Origin "http:\/\/evil\.example" is not allowed/);
    const foreignHost = await rawRequest(serving.url, { headers: { Host: `evil.example:${serving.port}` } });
    expect(foreignHost.status).toBe(403);
    // The page's own origin is fine (a browser sends it on the page's POSTs).
    const own = await rawRequest(serving.url, { headers: { Origin: base } });
    expect(own.status).toBe(200);
  });

  it("takes actions only with the token in a header: a link or a form elsewhere cannot set one", async () => {
    const { serving, base } = await alone();
    const inQuery = await rawRequest(`${base}/api/stop?token=${serving.dashboard.token}`, { method: "POST", body: { row: 1 } });
    expect(inQuery.status).toBe(401);
    const withHeader = await rawRequest(`${base}/api/stop`, { method: "POST", body: { row: 1 }, headers: { [TOKEN_HEADER]: serving.dashboard.token } });
    expect(withHeader.status).toBe(404);
    expect(JSON.parse(withHeader.body)).toEqual({ error: "Not Found: that task has left the dashboard." });
    const badBody = await rawRequest(`${base}/api/stop`, { method: "POST", body: { row: "one" }, headers: { [TOKEN_HEADER]: serving.dashboard.token } });
    expect(badBody.status).toBe(400);
    const getAction = await rawRequest(`${base}/api/stop`, { headers: { [TOKEN_HEADER]: serving.dashboard.token } });
    expect(getAction.status).toBe(405);
  });

  it("binds only to the loopback, and checks its options", async () => {
    await expect(serveDashboard([], { host: "0.0.0.0" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/mount the Dashboard/) as unknown });
    expect(() => new Dashboard([], { token: "short" })).toThrow(/at least 16/);
    expect(() => new Dashboard([], { path: "dashboard" })).toThrow(/leading slash/);
    expect(() => new Dashboard({} as never)).toThrow(/pass server\.runtime/);
  });
});

describe("the dashboard mounted on an HTTP server (routes)", () => {
  async function mounted(): Promise<{ serving: HttpServing; dashboard: Dashboard; base: string }> {
    const server = new Jobs();
    const dashboard = new Dashboard(server.runtime);
    const serving = await server.serve({
      transport: "http",
      port: 0,
      handleSignals: false,
      exitOnClose: false,
      routes: [dashboard],
      authenticate: (request) => (request.headers.cookie === "session=ops" ? { id: "ops" } : undefined),
    });
    cleanups.push(() => serving.close(), async () => dashboard.close());
    return { serving, dashboard, base: `http://127.0.0.1:${serving.port}` };
  }

  it("runs the server's authenticate hook first, then wants the token", async () => {
    const { dashboard, base } = await mounted();
    const url = dashboard.pageUrl(base);
    expect(url).toBe(`${base}/dashboard/?token=${dashboard.token}`);
    expect((await rawRequest(url)).status).toBe(401);
    expect((await rawRequest(`${base}/dashboard/`, { headers: { Cookie: "session=ops" } })).status).toBe(401);
    expect((await rawRequest(url, { headers: { Cookie: "session=ops" } })).status).toBe(200);
    expect((await rawRequest(url, { headers: { Cookie: "session=ops", Origin: "http://evil.example" } })).status).toBe(403);
    // Without the trailing slash, the page's relative URLs would miss: it redirects, keeping the query.
    const bare = await rawRequest(`${base}/dashboard?token=${dashboard.token}`, { headers: { Cookie: "session=ops" } });
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe(`/dashboard/?token=${dashboard.token}`);
  });

  it("leaves MCP where it was", async () => {
    const { serving } = await mounted();
    const client = new Client({ name: "plain", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(serving.url), { requestInit: { headers: { Cookie: "session=ops" } } }));
    cleanups.push(() => client.close());
    expect((await client.callTool({ name: "announce", arguments: { text: "hi" } })).isError).toBeFalsy();
  });

  it("refuses routes that would shadow MCP, or two at one path", async () => {
    const server = new Jobs();
    const route = (path: string) => ({ path, handle: () => undefined });
    await expect(server.serve({ transport: "http", port: 0, routes: [route("/mcp")] })).rejects.toThrow(/shadow where MCP is served/);
    await expect(server.serve({ transport: "http", port: 0, routes: [route("/sse/x")] })).rejects.toThrow(/shadow/);
    await expect(server.serve({ transport: "http", port: 0, routes: [route("ui")] })).rejects.toThrow(/leading slash/);
    await expect(server.serve({ transport: "http", port: 0, routes: [route("/ui"), route("/ui")] })).rejects.toThrow(/Two HTTP routes/);
  });
});
