/** One server event as a plain client reads it from `mcpc://events`. */
export interface PlainEvent {
  event: string;
  payload: unknown;
  /** When the server emitted it (ISO 8601). */
  at: string;
}

/** Events kept per session, and their size in characters of JSON: the oldest go first. */
const MAX_EVENTS = 100;
const MAX_CHARS = 1024 * 1024;

/**
 * The recent server events (`server.emit`) of a session whose client speaks no
 * MCPC: a plain client cannot parse `notifications/mcpc`, so it reads them as the
 * resource `mcpc://events` (and is told of new ones when it subscribed). Bounded
 * by count and size; `version` counts every event recorded, so a watcher can tell
 * whether something changed without comparing the lists.
 */
export class PlainEvents {
  readonly #events: { event: PlainEvent; chars: number }[] = [];
  #chars = 0;
  version = 0;

  record(event: string, payload: unknown): void {
    const entry: PlainEvent = { event, payload, at: new Date().toISOString() };
    // Payloads passed the runtime's JSON check on their way in: stringify cannot throw here.
    const chars = JSON.stringify(entry).length;
    this.#events.push({ event: entry, chars });
    this.#chars += chars;
    while (this.#events.length > MAX_EVENTS || (this.#chars > MAX_CHARS && this.#events.length > 1)) {
      this.#chars -= this.#events.shift()?.chars ?? 0;
    }
    this.version++;
  }

  /** Oldest first. */
  recent(): PlainEvent[] {
    return this.#events.map((entry) => entry.event);
  }
}
