/**
 * A small load balancer for the end-to-end tests: what docs/scaling.md asks of
 * a real one. A request without `Mcp-Session-Id` (an `initialize`) goes to the
 * next replica that is up, round robin; the session id in its response pins the
 * session to that replica; every later request carrying the id goes there. A
 * session whose replica is gone gets `502`, as from a real balancer: its client
 * opens a new session, which lands on a live replica.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export class StickyProxy {
  readonly #server: Server;
  readonly #upstreams: URL[];
  readonly #down = new Set<number>();
  /** Session id → index of its replica. */
  readonly #sessions = new Map<string, number>();
  #next = 0;

  private constructor(server: Server, upstreams: URL[]) {
    this.#server = server;
    this.#upstreams = upstreams;
  }

  /** Listens on a free port of 127.0.0.1 in front of `upstreams` (the replicas' `/mcp` URLs). */
  static async start(upstreams: URL[]): Promise<StickyProxy> {
    const server = createServer();
    const proxy = new StickyProxy(server, upstreams);
    server.on("request", (request: IncomingMessage, response: ServerResponse) => proxy.#route(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** The MCP endpoint clients use. */
  get url(): URL {
    return new URL(`http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/mcp`);
  }

  /** The replica (index into `upstreams`) a session is pinned to. */
  replicaOf(sessionId: string | undefined): number | undefined {
    return sessionId === undefined ? undefined : this.#sessions.get(sessionId);
  }

  /** New sessions no longer go to this replica (it was killed). */
  markDown(index: number): void {
    this.#down.add(index);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #route(request: IncomingMessage, response: ServerResponse): void {
    const sessionId = request.headers["mcp-session-id"];
    let index: number | undefined;
    if (typeof sessionId === "string") {
      index = this.#sessions.get(sessionId);
      if (index === undefined) return fail(response, 404, -32001, "Session not found (the proxy never saw it)");
    } else {
      index = this.#pick();
      if (index === undefined) return fail(response, 502, -32000, "No replica is up");
    }
    const pinned = index;
    const upstream = this.#upstreams[pinned] as URL;
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: request.url,
        method: request.method,
        // The replica checks Host against its own address.
        headers: { ...request.headers, host: upstream.host },
      },
      (answer) => {
        const assigned = answer.headers["mcp-session-id"];
        if (typeof assigned === "string") this.#sessions.set(assigned, pinned);
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        // Streams (SSE) go through as they come.
        response.flushHeaders();
        answer.pipe(response);
        answer.on("error", () => response.destroy());
      },
    );
    forwarded.on("error", () => {
      if (!response.headersSent) fail(response, 502, -32000, `Replica ${pinned + 1} is unreachable`);
      else response.destroy();
    });
    response.on("close", () => forwarded.destroy());
    request.pipe(forwarded);
  }

  #pick(): number | undefined {
    for (let tried = 0; tried < this.#upstreams.length; tried++) {
      const index = this.#next++ % this.#upstreams.length;
      if (!this.#down.has(index)) return index;
    }
    return undefined;
  }
}

function fail(response: ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
