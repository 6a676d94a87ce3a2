import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { errorMessage } from "../errors.js";
import type { ServerRuntime } from "../server/serverRuntime.js";
import type { HttpRoute } from "../transports/http/httpRoute.js";
import { readObject, rowIdOf, sendJson, sendText, viewOf } from "./dashboardApi.js";
import { resolveDashboardOptions, tokenMatches, type DashboardOptions, type ResolvedDashboardOptions } from "./dashboardOptions.js";
import { asObserved } from "./observedRuntime.js";
import { pageHtml } from "./page/pageHtml.js";
import { TaskBoard } from "./taskBoard.js";
import { Viewer } from "./viewer.js";

/** The header the page sends its token in on requests other than the page and its stream. */
export const TOKEN_HEADER = "x-mcpc-dashboard-token";
/** How often an idle stream gets a comment, so proxies and browsers keep it open. */
const KEEP_ALIVE_MS = 15_000;

/** What a dashboard has sent, for watching the watcher. */
export interface DashboardStats {
  /** Pages open now. */
  viewers: number;
  /** Reads of the servers so far (one per interval while a page is open). */
  ticks: number;
  /** Update messages and their bytes, over every page since the start. */
  messages: number;
  bytes: number;
}

/**
 * The live task dashboard: one web page that shows a server's sessions (client,
 * transport, rung of the delivery ladder), every task (tool, owner, status,
 * progress, latest update, elapsed time, log on demand, a Stop button) and its
 * server events, pushed over SSE with the changes coalesced per interval.
 *
 * It is an {@link HttpRoute}: mount it on a production server with `routes`,
 * where the server's `Host`/`Origin` checks and `authenticate` hook run first,
 * or serve it alone on the loopback with {@link serveDashboard} (what
 * `mcpc serve --ui` does). Every request must carry its {@link token}.
 *
 * @example
 * ```ts
 * const dashboard = new Dashboard(server.runtime);
 * const serving = await server.serve({ transport: "http", port: 3000, routes: [dashboard] });
 * console.error(`dashboard: ${dashboard.pageUrl(`http://127.0.0.1:${serving.port}`)}`);
 * ```
 */
export class Dashboard implements HttpRoute {
  /** Where it is mounted (`"/"` when served alone). */
  readonly path: string;
  /** The secret in the page's URL. */
  readonly token: string;
  readonly #options: ResolvedDashboardOptions;
  readonly #board: TaskBoard;
  readonly #viewers = new Map<string, Viewer>();
  readonly #detach = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;
  #ticking = false;
  #again = false;
  #closed = false;
  /** What pages that have closed were sent (the open ones count their own). */
  #closedMessages = 0;
  #closedBytes = 0;

  /**
   * @param runtimes the server runtimes to show (`server.runtime`); more can be attached later with {@link attach}
   * @throws McpcError `INVALID_ARGUMENT` for a bad option, or something that is not a server's runtime
   */
  constructor(runtimes: ServerRuntime | readonly ServerRuntime[] = [], options: DashboardOptions = {}) {
    this.#options = resolveDashboardOptions(options);
    this.path = this.#options.path;
    this.token = this.#options.token;
    this.#board = new TaskBoard(this.#options);
    const list: readonly ServerRuntime[] = Array.isArray(runtimes) ? runtimes : [runtimes as ServerRuntime];
    for (const runtime of list) this.attach(runtime);
  }

  /**
   * Shows one more server runtime (a reloaded version of a server, say).
   * @param label its name on the page; default the server's own name
   * @returns the function that detaches it (its sessions and tasks then leave the page)
   */
  attach(runtime: ServerRuntime, label?: string): () => void {
    const observed = asObserved(runtime);
    const detach = this.#board.attach(observed, label ?? observed.options.name);
    const once = (): void => {
      if (this.#detach.delete(once)) detach();
    };
    this.#detach.add(once);
    return once;
  }

  /** The page's address under `origin` (e.g. `http://127.0.0.1:3000`), token included. */
  pageUrl(origin: string): string {
    return `${origin.replace(/\/$/, "")}${this.#prefix}/?token=${this.token}`;
  }

  /** What it has sent so far. */
  stats(): DashboardStats {
    let messages = 0;
    let bytes = 0;
    for (const viewer of this.#viewers.values()) {
      messages += viewer.messages;
      bytes += viewer.bytes;
    }
    return { viewers: this.#viewers.size, ticks: this.#board.tick, messages: messages + this.#closedMessages, bytes: bytes + this.#closedBytes };
  }

  /** Answers one request under {@link path} (the {@link HttpRoute} contract). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    const sub = url.pathname.slice(this.#prefix.length);
    if (this.#closed) return sendText(response, 503, "Service Unavailable: this dashboard has been closed.");
    if (sub === "" && this.#prefix !== "") {
      response.writeHead(308, { Location: `${this.#prefix}/${url.search}` }).end();
      return;
    }
    const presented = request.headers[TOKEN_HEADER] ?? url.searchParams.get("token") ?? undefined;
    if (!tokenMatches(typeof presented === "string" ? presented : undefined, this.token)) {
      return sendText(response, 401, "Unauthorized: open the dashboard with the URL that carries its token (mcpc serve --ui prints it: …/?token=…).");
    }
    try {
      if (sub === "/" || sub === "/events") {
        if (request.method !== "GET") return sendText(response, 405, "Method Not Allowed: use GET.", { Allow: "GET" });
        return sub === "/" ? this.#page(response) : this.#stream(request, response);
      }
      if (sub !== "/api/view" && sub !== "/api/stop" && sub !== "/api/log") return sendText(response, 404, "Not Found: the dashboard serves its page at the URL it printed.");
      if (request.method !== "POST") return sendText(response, 405, "Method Not Allowed: use POST.", { Allow: "POST" });
      // A form or a link from another site can put the token in a query, never in a header: actions need the header.
      if (typeof request.headers[TOKEN_HEADER] !== "string") return sendJson(response, 401, { error: `Unauthorized: send the token in the ${TOKEN_HEADER} header.` });
      const body = await readObject(request, response);
      if (!body) return;
      if (sub === "/api/view") return this.#setView(response, body);
      const row = rowIdOf(body);
      if (row === undefined) return sendJson(response, 400, { error: "Bad Request: name the task by its row id: { \"row\": 12 }." });
      return sub === "/api/stop" ? await this.#stop(response, row) : await this.#log(response, row);
    } catch (error) {
      this.#options.logger("error", `dashboard ${request.method ?? ""} ${url.pathname}: ${errorMessage(error)}`);
      if (!response.headersSent) sendJson(response, 500, { error: `Internal error: ${errorMessage(error)}` });
      else response.end();
    }
  }

  /** Ends every open page's stream, stops reading the servers and detaches them. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#keepAlive);
    this.#timer = this.#keepAlive = undefined;
    for (const viewer of [...this.#viewers.values()]) viewer.response.end();
    this.#viewers.clear();
    for (const detach of [...this.#detach]) detach();
  }

  get #prefix(): string {
    return this.path === "/" ? "" : this.path;
  }

  #page(response: ServerResponse): void {
    // One nonce per answer: the page's own inline script and style run, nothing injected into it would.
    const nonce = randomBytes(16).toString("base64");
    response.writeHead(200, {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      // The token is in this page's URL: it must not travel in a Referer.
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
    });
    response.end(pageHtml(nonce, this.#options.title));
  }

  #stream(request: IncomingMessage, response: ServerResponse): void {
    if (this.#viewers.size >= this.#options.maxViewers) {
      return sendText(response, 503, `Service Unavailable: ${this.#viewers.size} dashboard pages are open (maxViewers); close one.`, { "Retry-After": "5" });
    }
    response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    const viewer = new Viewer(response, this.#options);
    this.#viewers.set(viewer.id, viewer);
    viewer.write("hello", { viewer: viewer.id, intervalMs: this.#options.intervalMs, title: this.#options.title });
    request.once("close", () => {
      this.#viewers.delete(viewer.id);
      this.#closedMessages += viewer.messages;
      this.#closedBytes += viewer.bytes;
      if (this.#viewers.size === 0) {
        clearInterval(this.#keepAlive);
        this.#keepAlive = undefined;
      }
    });
    this.#keepAlive ??= setInterval(() => {
      for (const open of this.#viewers.values()) open.response.write(": keep-alive\n\n");
    }, KEEP_ALIVE_MS);
    this.#keepAlive.unref();
    this.#kick();
  }

  #setView(response: ServerResponse, body: Record<string, unknown>): void {
    const viewer = typeof body.viewer === "string" ? this.#viewers.get(body.viewer) : undefined;
    if (!viewer) return sendJson(response, 404, { error: "Not Found: no open stream has that viewer id; reload the page." });
    const view = viewOf(body, this.#options.maxPageSize);
    if (typeof view === "string") return sendJson(response, 400, { error: `Bad Request: ${view}.` });
    viewer.setView(view);
    // The board is at most one interval old: the new page goes out now, without reading the servers again.
    viewer.push(this.#board);
    sendJson(response, 200, { ok: true });
  }

  async #stop(response: ServerResponse, row: number): Promise<void> {
    const stopped = await this.#board.stop(row).catch((error: unknown) => error as Error);
    if (stopped instanceof Error) return sendJson(response, 409, { error: `Could not stop the task: ${errorMessage(stopped)}` });
    if (!stopped) return sendJson(response, 404, { error: "Not Found: that task has left the dashboard." });
    this.#kick();
    sendJson(response, 200, { ok: true, task: stopped.task });
  }

  async #log(response: ServerResponse, row: number): Promise<void> {
    const log = await this.#board.log(row);
    if (!log) return sendJson(response, 404, { error: "Not Found: that task has left the dashboard." });
    sendJson(response, 200, log);
  }

  /** Reads the servers now (a page opened, a task was stopped) instead of at the next interval. */
  #kick(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#timer !== undefined || this.#viewers.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#tick();
    }, delayMs);
    // A dashboard alone must not keep a process alive that is otherwise done.
    this.#timer.unref();
  }

  /** One read of every server and one message per page; never two at once, and none while no page is open. */
  async #tick(): Promise<void> {
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    try {
      await this.#board.refresh();
      for (const viewer of this.#viewers.values()) viewer.push(this.#board);
    } catch (error) {
      this.#options.logger("error", `dashboard: reading the servers failed: ${errorMessage(error)}`);
    } finally {
      this.#ticking = false;
    }
    const again = this.#again;
    this.#again = false;
    this.#schedule(again ? 0 : this.#options.intervalMs);
  }
}
