import type { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import type { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { HostedSession } from "../../session/sessionHost.js";
import type { SessionEventStore } from "./eventStore.js";
import type { ResponseGauge } from "./responseGauge.js";

/** One HTTP session: the SDK transport, its mcpc session and what the limits need. */
export type HttpSession =
  | (HttpSessionState & { kind: "streamable-http"; transport: StreamableHTTPServerTransport; eventStore: SessionEventStore })
  | (HttpSessionState & { kind: "sse"; transport: SSEServerTransport });

interface HttpSessionState {
  readonly id: string;
  /** The principal that opened the session; every later request must be made by the same one. */
  readonly principal: string | undefined;
  /** Whose sessions count together under `maxSessionsPerClient`: the principal, else the remote address. */
  readonly client: string;
  /** How full the way to its client is (its open responses); handed to the session. */
  readonly outbound: ResponseGauge;
  /** Set once the runtime connected it. */
  session: HostedSession | undefined;
  /** HTTP requests of this session still open (a GET stream counts while it is open). */
  openRequests: number;
  /** Of those, the long-lived streams that only listen: the GET stream, the legacy `/sse` stream. */
  openStreams: number;
  /** When its last request started or ended (ms since the epoch). */
  lastActivity: number;
  /** A GET stream has been opened for it (Streamable HTTP). */
  getStreamOpened: boolean;
}

/** Answers whether a session has a task running (a native call's task outlives its request). */
export type BusyCheck = (entry: HttpSession) => Promise<boolean>;

/** How many candidates one eviction looks at, at most: each look may ask the task store, and a flood of `initialize`s must not turn into a flood of store reads. */
const MAX_EVICTION_LOOKS = 50;

/**
 * The open HTTP sessions of one server, both transports, with the limits on
 * them: how many may be open at once (in all, and per client), which one gives
 * way when the table is full, and how long one may sit idle before it is closed.
 *
 * A session is **quiet** when no request of it is open besides its listening
 * stream (GET or legacy `/sse`), and **idle** when it has been quiet for
 * `idleMs` since its last request started or ended. An idle session with no
 * stream open is closed. One with a stream open is closed too, unless it has a
 * task running (someone is listening for that task's events).
 */
export class SessionTable {
  readonly #sessions = new Map<string, HttpSession>();
  readonly #perClient = new Map<string, number>();
  readonly #idleMs: number;
  readonly #busy: BusyCheck;
  readonly #onIdle: (entry: HttpSession) => void;
  #sweep: NodeJS.Timeout | undefined;
  #sweeping = false;

  constructor(idleMs: number, busy: BusyCheck, onIdle: (entry: HttpSession) => void) {
    this.#idleMs = idleMs;
    this.#busy = busy;
    this.#onIdle = onIdle;
    if (Number.isFinite(idleMs)) {
      // One timer for all sessions; an idle session closes within [idleMs, 1.5 × idleMs].
      this.#sweep = setInterval(() => void this.#expire(), Math.max(10, Math.min(Math.floor(idleMs / 2), 60_000)));
      this.#sweep.unref();
    }
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Sessions of one client (see `HttpSession.client`). */
  countOf(client: string): number {
    return this.#perClient.get(client) ?? 0;
  }

  get(id: string): HttpSession | undefined {
    return this.#sessions.get(id);
  }

  add(entry: HttpSession): void {
    if (this.#sessions.has(entry.id)) return;
    this.#sessions.set(entry.id, entry);
    this.#perClient.set(entry.client, this.countOf(entry.client) + 1);
  }

  /** Forgets a session; true if it was here. Idempotent: a session is forgotten from several paths. */
  delete(id: string): boolean {
    const entry = this.#sessions.get(id);
    if (!entry) return false;
    this.#sessions.delete(id);
    const left = this.countOf(entry.client) - 1;
    if (left > 0) this.#perClient.set(entry.client, left);
    else this.#perClient.delete(entry.client);
    return true;
  }

  values(): IterableIterator<HttpSession> {
    return this.#sessions.values();
  }

  /**
   * Counts a request of `entry` as open until `done` fires (the response closed).
   * `stream`: a listening stream (GET, legacy `/sse`), which does not keep a session from being idle.
   */
  track(entry: HttpSession, done: (listener: () => void) => void, stream = false): void {
    entry.openRequests++;
    if (stream) entry.openStreams++;
    entry.lastActivity = Date.now();
    done(() => {
      entry.openRequests--;
      if (stream) entry.openStreams--;
      entry.lastActivity = Date.now();
    });
  }

  /**
   * The session that should give way to a new one: of those connected, quiet and
   * with no task running (of `client` only, when given), the one with no stream
   * open and quiet the longest; failing that, the one with a stream quiet the
   * longest. Undefined when every session is busy.
   */
  async evictable(client?: string): Promise<HttpSession | undefined> {
    const candidates = [...this.#sessions.values()]
      .filter((entry) => (client === undefined || entry.client === client) && isQuiet(entry))
      .sort((a, b) => Number(a.openStreams > 0) - Number(b.openStreams > 0) || a.lastActivity - b.lastActivity)
      .slice(0, MAX_EVICTION_LOOKS);
    for (const entry of candidates) {
      if (await this.#busy(entry)) continue;
      // Re-read after the await: a request may have arrived for it meanwhile, or another eviction taken it.
      if (this.#sessions.get(entry.id) === entry && isQuiet(entry)) return entry;
    }
    return undefined;
  }

  close(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  async #expire(): Promise<void> {
    // A sweep that waits on the task store must not overlap the next one.
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      for (const entry of [...this.#sessions.values()]) {
        if (!isQuiet(entry) || Date.now() - entry.lastActivity < this.#idleMs) continue;
        if (entry.openStreams > 0 && (await this.#busy(entry))) continue;
        // Re-read after the await, as in evictable().
        if (this.#sessions.get(entry.id) !== entry || !isQuiet(entry) || Date.now() - entry.lastActivity < this.#idleMs) continue;
        this.delete(entry.id);
        this.#onIdle(entry);
      }
    } finally {
      this.#sweeping = false;
    }
  }
}

/** Connected, and no request open besides its listening streams. */
function isQuiet(entry: HttpSession): boolean {
  return entry.session !== undefined && entry.openRequests === entry.openStreams;
}
