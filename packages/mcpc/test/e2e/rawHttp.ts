/** A raw Streamable HTTP session made with fetch, for what no SDK client lets a test do (forged headers, foreign ids). */

export const ACCEPT_BOTH = "application/json, text/event-stream";

export interface SseEvent {
  id: string | undefined;
  data: unknown;
}

/** Splits an SSE body into its events (test-side reading only; the server side is the SDK's). */
export function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .map((block) => {
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      return { id, data: data === undefined ? undefined : (JSON.parse(data) as unknown) };
    })
    .filter((event) => event.data !== undefined);
}

export class RawHttpSession {
  readonly url: URL;
  readonly headers: Record<string, string>;
  sessionId: string | undefined;
  #nextId = 1;

  constructor(url: URL, headers: Record<string, string> = {}) {
    this.url = url;
    this.headers = headers;
  }

  /** POSTs `initialize` (declaring MCPC when `mcpc`) and `notifications/initialized`. */
  async initialize(mcpc = true): Promise<Response> {
    const response = await this.post({
      jsonrpc: "2.0",
      id: this.#nextId++,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: mcpc ? { experimental: { mcpc: { version: "1.0" } } } : {}, clientInfo: { name: "raw", version: "1.0.0" } },
    });
    this.sessionId = response.headers.get("mcp-session-id") ?? undefined;
    // Read a copy to the end (the answer is complete); the caller may still read the original.
    await response.clone().text();
    if (this.sessionId) (await this.post({ jsonrpc: "2.0", method: "notifications/initialized" })).body?.cancel().catch(() => undefined);
    return response;
  }

  /** POSTs one message with this session's headers. */
  post(message: unknown, extra: Record<string, string> = {}): Promise<Response> {
    return fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: ACCEPT_BOTH,
        ...(this.sessionId !== undefined && { "mcp-session-id": this.sessionId, "mcp-protocol-version": "2025-11-25" }),
        ...this.headers,
        ...extra,
      },
      body: typeof message === "string" ? message : JSON.stringify(message),
    });
  }

  /** Sends a request and returns its answer (read from the POST's SSE stream). */
  async request(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const response = await this.post({ jsonrpc: "2.0", id, method, params });
    const messages = parseSse(await response.text()).map((event) => event.data as Record<string, unknown>);
    const answer = messages.find((message) => message.id === id);
    if (!answer) throw new Error(`no answer to ${method} (HTTP ${response.status})`);
    return answer;
  }

  /** Opens the GET stream; the caller reads or cancels its body. */
  get(extra: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    return fetch(this.url, {
      method: "GET",
      headers: {
        accept: "text/event-stream",
        ...(this.sessionId !== undefined && { "mcp-session-id": this.sessionId, "mcp-protocol-version": "2025-11-25" }),
        ...this.headers,
        ...extra,
      },
      ...(signal && { signal }),
    });
  }

  /** Reads SSE events off a stream until `until` accepts one (bounded), then cancels it. */
  static async readUntil(response: Response, until: (event: SseEvent) => boolean, timeoutMs = 10_000): Promise<SseEvent[]> {
    const body = response.body;
    if (!body) throw new Error(`no body (HTTP ${response.status})`);
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    const events: SseEvent[] = [];
    let buffer = "";
    const timer = setTimeout(() => void reader.cancel().catch(() => undefined), timeoutMs);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended first; got ${JSON.stringify(events)}`);
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const parsed = parseSse(buffer.slice(0, end + 2));
          buffer = buffer.slice(end + 2);
          for (const event of parsed) {
            events.push(event);
            if (until(event)) return events;
          }
        }
      }
    } finally {
      clearTimeout(timer);
      await reader.cancel().catch(() => undefined);
    }
  }

  /** Ends the session (DELETE). */
  async delete(): Promise<Response> {
    const response = await fetch(this.url, {
      method: "DELETE",
      headers: { ...(this.sessionId !== undefined && { "mcp-session-id": this.sessionId, "mcp-protocol-version": "2025-11-25" }), ...this.headers },
    });
    await response.text();
    return response;
  }
}

/** The MCPC event in an SSE event's data, if it is one. */
export function mcpcParams(event: SseEvent): { task_id?: string; event?: string; seq?: number } | undefined {
  const data = event.data as { method?: string; params?: { task_id?: string; event?: string; seq?: number } };
  return data.method === "notifications/mcpc" ? data.params : undefined;
}
