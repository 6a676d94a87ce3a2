import { textOf } from "./taskRow.js";

/** One line of the page's event feed: a server event, or a session opening or closing. */
export interface FeedEntry {
  /** Counts from 1 across the dashboard: the page asks for what follows the last it has. */
  seq: number;
  at: number;
  kind: "server_event" | "session_opened" | "session_closed";
  /** Which attached server (an index into the page's server list). */
  server: number;
  /** The server event's name. */
  name?: string;
  /** The session it was addressed to, or that opened or closed. */
  session?: string;
  /** The closed session's client, when the dashboard had seen it. */
  client?: string;
  /** How many sessions a server event reached. */
  reached?: number;
  /** The server event's payload as short JSON. */
  payload?: string;
}

/** An entry as recorded: the payload is turned into text only if the entry is ever sent. */
interface Recorded extends Omit<FeedEntry, "payload"> {
  raw?: unknown;
  payload?: string;
}

/**
 * The latest feed entries, in a ring of fixed size: recording one costs the
 * same whether a tool emits once a minute or in a tight loop (the oldest are
 * overwritten, and a payload is only serialised when a page is sent it).
 */
export class Feed {
  readonly #ring: (Recorded | undefined)[];
  #seq = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Array<Recorded | undefined>(capacity);
  }

  /** The seq of the newest entry (0: none yet). */
  get last(): number {
    return this.#seq;
  }

  /** Records an entry; `raw` is a server event's payload, kept by reference until it is sent or overwritten. */
  add(entry: Omit<FeedEntry, "seq" | "payload">, raw?: unknown): void {
    const seq = ++this.#seq;
    this.#ring[seq % this.capacity] = raw === undefined ? { ...entry, seq } : { ...entry, seq, raw };
  }

  /**
   * The entries after `afterSeq`, oldest first, at most `max` (the newest ones),
   * and how many newer than `afterSeq` were skipped: overwritten, or beyond `max`.
   */
  since(afterSeq: number, max: number): { entries: FeedEntry[]; skipped: number } {
    const from = Math.max(afterSeq + 1, this.#seq - Math.min(max, this.capacity) + 1);
    const entries: FeedEntry[] = [];
    for (let seq = from; seq <= this.#seq; seq++) {
      const recorded = this.#ring[seq % this.capacity];
      if (recorded?.seq !== seq) continue;
      if (recorded.raw !== undefined) {
        recorded.payload = textOf(recorded.raw, 600);
        delete recorded.raw;
      }
      entries.push(recorded);
    }
    return { entries, skipped: Math.max(0, this.#seq - afterSeq - entries.length) };
  }
}
