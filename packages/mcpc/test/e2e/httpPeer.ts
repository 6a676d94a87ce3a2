/**
 * A raw Streamable HTTP client on `node:http`, for what fetch cannot do: choose
 * the local address a request comes from (another "client" on the same
 * machine: 127.0.0.2), hold a GET stream open without reading it, abort a POST.
 */
import { request, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { parseSse } from "./rawHttp.js";

export interface PeerResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface PeerOptions {
  /** The address requests come from (any of 127.0.0.0/8 on Linux). Default: the system's choice. */
  localAddress?: string;
  /** Extra headers on every request (e.g. `authorization`). */
  headers?: Record<string, string>;
}

export class HttpPeer {
  readonly url: URL;
  readonly options: PeerOptions;
  sessionId: string | undefined;
  #nextId = 1;

  constructor(url: URL | string, options: PeerOptions = {}) {
    this.url = new URL(url);
    this.options = options;
  }

  /** POSTs `initialize` (declaring MCPC when `mcpc`) and, if a session came of it, `notifications/initialized`. */
  async initialize(mcpc = true): Promise<PeerResponse> {
    const answer = await this.post({
      jsonrpc: "2.0",
      id: this.#nextId++,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: mcpc ? { experimental: { mcpc: { version: "1.0" } } } : {}, clientInfo: { name: "peer", version: "1.0.0" } },
    });
    const id = answer.headers["mcp-session-id"];
    if (typeof id === "string") {
      this.sessionId = id;
      await this.post({ jsonrpc: "2.0", method: "notifications/initialized" });
    }
    return answer;
  }

  /** POSTs one body (a message, or raw text) and reads the whole answer. */
  async post(message: unknown): Promise<PeerResponse> {
    const response = await this.send("POST", typeof message === "string" ? message : JSON.stringify(message));
    return readAll(response);
  }

  /** Sends a request on this session and returns its answer, read off the POST's SSE stream. */
  async request(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const answer = await this.post({ jsonrpc: "2.0", id, method, params });
    const found = parseSse(answer.body).find((event) => (event.data as { id?: unknown }).id === id);
    if (!found) throw new Error(`no answer to ${method} (HTTP ${answer.status}): ${answer.body.slice(0, 300)}`);
    return found.data as Record<string, unknown>;
  }

  /** The session answers a ping (200) or is gone (404). */
  async pingStatus(): Promise<number> {
    return (await this.post({ jsonrpc: "2.0", id: this.#nextId++, method: "ping" })).status;
  }

  /** Opens the GET stream; the caller reads or destroys it. */
  openGet(): Promise<IncomingMessage> {
    return this.send("GET");
  }

  /**
   * POSTs a request and resolves once the answer's headers arrived (the call is
   * running), with a function that drops the connection before the answer.
   */
  async postAndHold(message: unknown): Promise<{ response: IncomingMessage; abort: () => void }> {
    const response = await this.send("POST", JSON.stringify(message));
    return { response, abort: () => response.destroy() };
  }

  /** Ends the session (DELETE), if it has one. */
  async delete(): Promise<void> {
    if (this.sessionId === undefined) return;
    await readAll(await this.send("DELETE"));
    this.sessionId = undefined;
  }

  send(method: "GET" | "POST" | "DELETE", body?: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path: `${this.url.pathname}${this.url.search}`,
          method,
          // A connection per request: nothing pooled outlives a test.
          agent: false,
          ...(this.options.localAddress !== undefined && { localAddress: this.options.localAddress }),
          headers: {
            accept: method === "GET" ? "text/event-stream" : "application/json, text/event-stream",
            ...(body !== undefined && { "content-type": "application/json" }),
            ...(this.sessionId !== undefined && { "mcp-session-id": this.sessionId, "mcp-protocol-version": "2025-11-25" }),
            ...this.options.headers,
          },
        },
        resolve,
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
  }
}

function readAll(response: IncomingMessage): Promise<PeerResponse> {
  return new Promise((resolve, reject) => {
    let body = "";
    response.setEncoding("utf8");
    response.on("data", (chunk: string) => (body += chunk));
    response.once("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    response.once("error", reject);
  });
}
