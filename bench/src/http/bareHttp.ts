/**
 * A bare Streamable HTTP client: `fetch` and a hand-written SSE reader, no client
 * library. It counts progress events without parsing them and answers the
 * server's pings (mcpc's ping barrier), so a figure read through it is the
 * server's own ceiling over HTTP, not the SDK client's.
 */
import { addLateness, type Conn, type StreamOutcome } from "../drivers.js";
import { now } from "../servers/common.js";

const PROTOCOL_VERSION = "2025-06-18";
const ACCEPT = "application/json, text/event-stream";
const PROGRESS = '"notifications/progress"';
const LAG = /"message":"([0-9.]+)"/;
/** The update's index: `"progress":`, not `"progressToken"`. */
const INDEX = /"progress":([0-9.]+)/;

type Message = { id?: string | number; method?: string; result?: unknown; error?: unknown };

/**
 * Reads an SSE body, handing each event's `data` to `onData` until it returns
 * true or the stream ends. The servers write one `data:` line per event, last.
 */
async function readSse(body: ReadableStream<Uint8Array>, onData: (data: string) => boolean): Promise<boolean> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffer += decoder.decode(value, { stream: true });
      let start = 0;
      let end: number;
      while ((end = buffer.indexOf("\n\n", start)) >= 0) {
        const at = buffer.indexOf("data:", start);
        if (at >= 0 && at < end) {
          const lineEnd = buffer.indexOf("\n", at);
          const data = buffer.slice(at + 5, lineEnd >= 0 && lineEnd < end ? lineEnd : end).trimStart();
          if (onData(data)) return true;
        }
        start = end + 2;
      }
      buffer = buffer.slice(start);
    }
  } finally {
    // The answer came: the server ends the stream; cancelling frees the connection at once either way.
    reader.cancel().catch(() => undefined);
  }
}

export class BareHttpSession implements Conn {
  readonly pid: number;
  readonly #url: URL;
  #sessionId = "";
  #nextId = 1;
  /** Pings answered while a call streams: awaited before the call returns, so none is left floating. */
  readonly #answers: Promise<unknown>[] = [];

  private constructor(url: URL, pid: number) {
    this.#url = url;
    this.pid = pid;
  }

  /** `initialize` → session id → `notifications/initialized`. */
  static async open(url: URL, pid: number): Promise<BareHttpSession> {
    const session = new BareHttpSession(url, pid);
    await session.initialize();
    return session;
  }

  async initialize(): Promise<void> {
    const { response } = await this.#post({
      jsonrpc: "2.0",
      id: this.#nextId++,
      method: "initialize",
      params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "mcpc-bench-bare", version: "0.0.0" } },
    });
    const id = response.headers.get("mcp-session-id");
    if (!id) throw new Error(`initialize answered ${response.status} without a session id`);
    this.#sessionId = id;
    await this.#answerOf(response, 1);
    const initialized = await this.#post({ jsonrpc: "2.0", method: "notifications/initialized" });
    await initialized.response.body?.cancel();
  }

  /** One request, its answer read from JSON or SSE; server requests on its stream are answered. */
  async request(method: string, params: unknown, onProgress?: (data: string) => void): Promise<Message> {
    const id = this.#nextId++;
    const { response } = await this.#post({ jsonrpc: "2.0", id, method, params });
    return this.#answerOf(response, id, onProgress);
  }

  async callStream(n: number, intervalMs: number, wantLags: boolean): Promise<StreamOutcome> {
    let received = 0;
    const lagsMs: number[] = [];
    const lateMs: number[] = [];
    const sent = now();
    const answer = await this.request("tools/call", { name: "stream", arguments: { n, intervalMs }, _meta: { progressToken: "bare-1" } }, (data) => {
      received++;
      if (!wantLags) return;
      lagsMs.push(now() - Number(LAG.exec(data)?.[1]));
      addLateness(lateMs, sent, INDEX.exec(data)?.[1], intervalMs);
    });
    if (answer.error !== undefined) throw new Error(`stream failed: ${JSON.stringify(answer.error)}`);
    return { received, lagsMs, lateMs };
  }

  async echo(text: string): Promise<void> {
    const answer = await this.request("tools/call", { name: "echo", arguments: { text } });
    if (answer.error !== undefined) throw new Error(`echo failed: ${JSON.stringify(answer.error)}`);
  }

  /** DELETE: ends the session on the server. */
  async close(): Promise<void> {
    if (!this.#sessionId) return;
    const response = await fetch(this.#url, { method: "DELETE", headers: this.#headers() });
    await response.body?.cancel();
    this.#sessionId = "";
  }

  #headers(): Record<string, string> {
    return {
      "content-type": "application/json",
      accept: ACCEPT,
      ...(this.#sessionId && { "mcp-session-id": this.#sessionId, "mcp-protocol-version": PROTOCOL_VERSION }),
    };
  }

  async #post(message: unknown): Promise<{ response: Response }> {
    const response = await fetch(this.#url, { method: "POST", headers: this.#headers(), body: JSON.stringify(message) });
    if (!response.ok) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
    return { response };
  }

  async #answerOf(response: Response, id: number, onProgress?: (data: string) => void): Promise<Message> {
    if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) return (await response.json()) as Message;
    const body = response.body;
    if (!body) throw new Error("an SSE answer without a body");
    let answer: Message | undefined;
    await readSse(body, (data) => {
      // The hot path: a progress event is counted, not parsed.
      if (data.includes(PROGRESS)) {
        onProgress?.(data);
        return false;
      }
      const message = JSON.parse(data) as Message;
      if (message.method !== undefined) {
        // A request from the server (mcpc's ping barrier): answered as an SDK client would.
        if (message.id !== undefined) this.#answers.push(this.#post({ jsonrpc: "2.0", id: message.id, result: {} }).then(({ response: r }) => r.body?.cancel()));
        return false;
      }
      if (message.id !== id) return false;
      answer = message;
      return true;
    });
    await Promise.all(this.#answers.splice(0));
    if (!answer) throw new Error(`the stream of request ${id} ended without its answer`);
    return answer;
  }
}
