import type { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Session } from "../session.js";
import type { SessionEventStore } from "./eventStore.js";

/** One HTTP session: the SDK transport, its mcpc session and what the limits need. */
export type HttpSession =
  | (HttpSessionState & { kind: "streamable-http"; transport: StreamableHTTPServerTransport; eventStore: SessionEventStore })
  | (HttpSessionState & { kind: "sse"; transport: SSEServerTransport });

interface HttpSessionState {
  readonly id: string;
  /** The principal that opened the session; every later request must be made by the same one. */
  readonly principal: string | undefined;
  /** Set once the runtime connected it. */
  session: Session | undefined;
  /** HTTP requests of this session still open (a GET stream counts while it is open). */
  openRequests: number;
  /** When its last request started or ended (ms since the epoch). */
  lastActivity: number;
  /** A GET stream has been opened for it (Streamable HTTP). */
  getStreamOpened: boolean;
}

/**
 * The open HTTP sessions of one server, both transports, with the two limits on
 * them: how many may be open at once, and how long one may sit idle (no request
 * open, none started) before it is closed. A session with an open GET stream or
 * legacy SSE stream is never idle: someone is listening.
 */
export class SessionTable {
  readonly #sessions = new Map<string, HttpSession>();
  readonly #idleMs: number;
  readonly #onIdle: (entry: HttpSession) => void;
  #sweep: NodeJS.Timeout | undefined;

  constructor(idleMs: number, onIdle: (entry: HttpSession) => void) {
    this.#idleMs = idleMs;
    this.#onIdle = onIdle;
    if (Number.isFinite(idleMs)) {
      // One timer for all sessions; an idle session closes within [idleMs, 1.5 × idleMs].
      this.#sweep = setInterval(() => this.#expire(), Math.max(10, Math.min(Math.floor(idleMs / 2), 60_000)));
      this.#sweep.unref();
    }
  }

  get size(): number {
    return this.#sessions.size;
  }

  get(id: string): HttpSession | undefined {
    return this.#sessions.get(id);
  }

  add(entry: HttpSession): void {
    this.#sessions.set(entry.id, entry);
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  values(): IterableIterator<HttpSession> {
    return this.#sessions.values();
  }

  /** Counts a request of `entry` as open until `done` fires (the response closed). */
  track(entry: HttpSession, done: (listener: () => void) => void): void {
    entry.openRequests++;
    entry.lastActivity = Date.now();
    done(() => {
      entry.openRequests--;
      entry.lastActivity = Date.now();
    });
  }

  close(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  #expire(): void {
    const now = Date.now();
    for (const entry of [...this.#sessions.values()]) {
      if (entry.openRequests === 0 && now - entry.lastActivity >= this.#idleMs) {
        this.#sessions.delete(entry.id);
        this.#onIdle(entry);
      }
    }
  }
}
