/** A reader of the dashboard's update stream for tests: every event, parsed, and a way to wait for one. */
import { request, type IncomingMessage } from "node:http";

export interface SseEvent {
  event: string;
  data: unknown;
  bytes: number;
}

export interface SseClient {
  readonly events: SseEvent[];
  /** Resolves with the first event from index `from` on (already received or to come) that `match` accepts; fails after `timeoutMs`. */
  next(match: (event: SseEvent) => boolean, what: string, timeoutMs?: number, from?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `url` as an event stream (plain `node:http`, so a test can also send a foreign Host or Origin). */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiters = new Set<() => void>();
    const req = request(url, { headers: { Accept: "text/event-stream", ...headers } }, (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        reject(new Error(`stream answered ${String(response.statusCode)}`));
        response.resume();
        return;
      }
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (name !== undefined && data !== undefined) events.push({ event: name, data: JSON.parse(data) as unknown, bytes: frame.length + 2 });
          for (const waiter of [...waiters]) waiter();
        }
      });
      response.on("error", () => undefined);
      resolve({
        events,
        next: (match, what, timeoutMs = 5_000, from = 0) =>
          new Promise((found, fail) => {
            let seen = from;
            const check = (): void => {
              for (; seen < events.length; seen++) {
                const event = events[seen];
                if (event && match(event)) {
                  waiters.delete(check);
                  clearTimeout(timer);
                  found(event);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; got ${events.length} events`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Sends a raw GET or POST and reads the status and body (headers as given: Host and Origin included). */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; body: string; headers: IncomingMessage["headers"] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: { ...(options.body !== undefined && { "Content-Type": "application/json" }), ...options.headers } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    req.on("error", reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}
