import { randomUUID } from "node:crypto";
import type { EventId, EventStore, StreamId } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** The id of the SDK's standalone GET stream (the session's stream for events after a call returned). */
export const GET_STREAM_ID = "_GET_stream";

/** Options of {@link SessionEventStore}. */
export interface SessionEventStoreOptions {
  /** How many events the store keeps; older ones are dropped first. Default 1,000. */
  maxEvents?: number;
  /** How much the kept events may weigh together, in characters of their JSON; older ones are dropped first. Default 1 MiB. */
  maxBytes?: number;
}

interface Stored {
  readonly streamId: StreamId;
  /** `undefined` for the SDK's priming events (empty `data:`), which are never replayed. */
  readonly message: JSONRPCMessage | undefined;
  /** Characters of the message's JSON (0 for a priming event). */
  readonly size: number;
}

/**
 * The bounded event store of **one** Streamable HTTP session, for `Last-Event-ID`
 * resumption of its GET stream and of its POST streams.
 *
 * Why not the SDK's example `InMemoryEventStore`: it splits ids on `_`, and the
 * GET stream's id is `_GET_stream`, so it cannot resume the GET stream
 * (probed on SDK 1.32, see docs/transports.md); it is also unbounded and shared by every session.
 *
 * Ids are `<store key>.<counter>.<stream id>`: the key is random per store, so an
 * id from another session is unknown here (answered `400` by the SDK) and replay
 * never crosses sessions; the counter orders the events of every stream of the
 * session; the stream id is in the id so it can be read back even after the event
 * itself was dropped.
 *
 * At most `maxEvents` events weighing at most `maxBytes` together are kept
 * (oldest dropped first; the newest is kept even when it alone is heavier). A
 * client that resumes from an id older than that gets what is left, and sees a
 * gap in the MCPC `seq` numbers, which the client recovers with `mcpc/tasks/get`.
 *
 * @example
 * ```ts
 * const store = new SessionEventStore({ maxEvents: 500 });
 * const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => id, eventStore: store });
 * ```
 */
export class SessionEventStore implements EventStore {
  readonly #key = randomUUID().replaceAll("-", "").slice(0, 16);
  readonly #max: number;
  readonly #maxBytes: number;
  #bytes = 0;
  /** Stored events; `#events[i]` has counter `#first + i`. */
  #events: Array<Stored | undefined> = [];
  #head = 0;
  #first = 1;
  #last = 0;

  constructor(options: SessionEventStoreOptions = {}) {
    const max = options.maxEvents ?? 1_000;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxEvents must be a positive integer; got ${String(max)}.`);
    const maxBytes = options.maxBytes ?? 1024 * 1024;
    if (typeof maxBytes !== "number" || Number.isNaN(maxBytes) || maxBytes <= 0) throw new RangeError(`maxBytes must be a positive number; got ${String(maxBytes)}.`);
    this.#max = max;
    this.#maxBytes = maxBytes;
  }

  /** Characters of JSON held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Events held now. */
  get size(): number {
    return this.#last - this.#first + 1;
  }

  /**
   * The cursor "before the first event of `streamId`": resuming from it replays
   * every stored event of that stream. Used for a session's first GET stream,
   * which would otherwise miss the events sent before it was opened.
   */
  originId(streamId: StreamId = GET_STREAM_ID): EventId {
    return `${this.#key}.0.${streamId}`;
  }

  storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const counter = ++this.#last;
    // The SDK stores `{}` as the priming event of each stream: a cursor, not a message.
    const kept = "jsonrpc" in message ? message : undefined;
    // A second serialisation (the SDK makes its own to write the event): the price of a byte bound.
    const size = kept === undefined ? 0 : JSON.stringify(kept).length;
    this.#events.push({ streamId, message: kept, size });
    this.#bytes += size;
    while (this.size > this.#max || (this.#bytes > this.#maxBytes && this.size > 1)) this.#dropOldest();
    return Promise.resolve(`${this.#key}.${counter}.${streamId}`);
  }

  getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return Promise.resolve(this.#parse(eventId)?.streamId);
  }

  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const cursor = this.#parse(lastEventId);
    // The SDK asks getStreamIdForEventId first and answers 400 for an unknown id; this is a second guard.
    if (!cursor) throw new Error("Unknown event id: it does not belong to this session.");
    // Re-reads #last on each turn: events stored while a send is awaited are replayed too.
    for (let counter = Math.max(cursor.counter + 1, this.#first); counter <= this.#last; counter = Math.max(counter + 1, this.#first)) {
      const stored = this.#events[this.#head + counter - this.#first];
      if (stored?.message === undefined || stored.streamId !== cursor.streamId) continue;
      await send(`${this.#key}.${counter}.${stored.streamId}`, stored.message);
    }
    return cursor.streamId;
  }

  #parse(eventId: EventId): { counter: number; streamId: StreamId } | undefined {
    const firstDot = eventId.indexOf(".");
    const secondDot = eventId.indexOf(".", firstDot + 1);
    if (firstDot < 0 || secondDot < 0 || eventId.slice(0, firstDot) !== this.#key) return undefined;
    const counter = Number(eventId.slice(firstDot + 1, secondDot));
    const streamId = eventId.slice(secondDot + 1);
    if (!Number.isSafeInteger(counter) || counter < 0 || counter > this.#last || streamId.length === 0) return undefined;
    return { counter, streamId };
  }

  #dropOldest(): void {
    this.#bytes -= this.#events[this.#head]?.size ?? 0;
    this.#events[this.#head] = undefined;
    this.#head++;
    this.#first++;
    // Compact now and then instead of shifting on every event.
    if (this.#head >= 1_024 && this.#head * 2 >= this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }
}
