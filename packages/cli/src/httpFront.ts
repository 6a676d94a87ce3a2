import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loopbackHosts, loopbackOrigins, RequestGuard, refuse } from "mcpc/http";

/** One loaded version of the server file, serving on its own loopback port behind the front. */
export interface Generation {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The port `mcpc serve --http` keeps across reloads: a small reverse proxy that
 * checks `Host`/`Origin` for its own port and forwards each request to a
 * generation. A request carrying a session id (`Mcp-Session-Id`, or the legacy
 * `sessionId` query) goes to the generation that created that session, so its
 * running tasks finish on the old code; a new session goes to the newest one.
 */
export class HttpFront {
  readonly #server: Server = createServer();
  #current: Generation | undefined;
  readonly #sessions = new Map<string, Generation>();
  #guard: RequestGuard | undefined;
  #port = 0;
  #host = "127.0.0.1";

  /** Listens; resolves with the port bound. */
  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
    this.#host = host;
    const own = ["127.0.0.1", "localhost", "::1"].includes(host) ? [] : [`${host.includes(":") ? `[${host}]` : host}:${this.#port}`];
    this.#guard = new RequestGuard([...loopbackHosts(this.#port), ...own], loopbackOrigins(this.#port));
    this.#server.on("request", (request: IncomingMessage, response: ServerResponse) => this.#forward(request, response));
    return this.#port;
  }

  /** The Streamable HTTP endpoint. */
  get url(): string {
    return `http://${this.#host.includes(":") ? `[${this.#host}]` : this.#host}:${this.#port}/mcp`;
  }

  get port(): number {
    return this.#port;
  }

  /** Origins a generation must accept: the front's, since requests keep their `Origin`. */
  get origins(): string[] {
    return loopbackOrigins(this.#port);
  }

  /** New sessions go to `generation` from now on. */
  swap(generation: Generation): void {
    this.#current = generation;
  }

  /** Forgets the sessions of a generation that has been closed. */
  retire(generation: Generation): void {
    for (const [id, owner] of this.#sessions) if (owner === generation) this.#sessions.delete(id);
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #forward(request: IncomingMessage, response: ServerResponse): void {
    const refusal = this.#guard?.check(request);
    if (refusal) return refuse(response, refusal);
    const header = request.headers["mcp-session-id"];
    const sessionId = typeof header === "string" ? header : (new URL(request.url ?? "/", "http://localhost").searchParams.get("sessionId") ?? undefined);
    const target = (sessionId !== undefined ? this.#sessions.get(sessionId) : undefined) ?? this.#current;
    if (!target) {
      return refuse(response, { status: 503, code: -32000, message: "The server file did not load; fix it and save (mcpc serve --watch reloads it)." });
    }
    const upstream = httpRequest(
      { host: "127.0.0.1", port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: `127.0.0.1:${target.port}` } },
      (answer) => {
        const created = answer.headers["mcp-session-id"];
        if (typeof created === "string") this.#sessions.set(created, target);
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => {
      if (!response.headersSent) refuse(response, { status: 502, code: -32603, message: "The server behind mcpc serve did not answer (it may be reloading); retry." });
      else response.destroy();
    });
    response.on("close", () => upstream.destroy());
    request.pipe(upstream);
  }
}
