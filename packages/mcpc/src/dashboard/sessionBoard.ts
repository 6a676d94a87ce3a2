import { sessionRowOf, sessionSignature, type SessionRow } from "./sessionRow.js";
import type { Source } from "./source.js";

/** A session row and the tick of its last change. */
export interface SessionState {
  readonly key: string;
  row: SessionRow;
  signature: string;
  version: number;
  seenTick: number;
}

/**
 * The open sessions of every attached server, as rows with versions, read on
 * each tick from the runtime's session table (a session that opened and closed
 * between two ticks still shows in the feed, which hears of it at once).
 */
export class SessionBoard {
  readonly #states = new Map<string, SessionState>();
  #sorted: SessionState[] = [];

  /** Every open session, newest first. */
  get sorted(): readonly SessionState[] {
    return this.#sorted;
  }

  /** When each open session opened, as the runtime told (sessions open before the dashboard attached are dated when first read). */
  readonly #openedAt = new Map<string, number>();

  /** Notes a session opening (the runtime's observer hook). */
  opened(source: Source, sessionId: string, at: number): void {
    this.#openedAt.set(keyOf(source.number, sessionId), at);
  }

  /** Notes a session closing; returns its client's name and version if the board had read them (for the feed line). */
  closed(source: Source, sessionId: string): string | undefined {
    const key = keyOf(source.number, sessionId);
    this.#openedAt.delete(key);
    const row = this.#states.get(key)?.row;
    return row && row.client !== "" ? `${row.client} ${row.version}`.trim() : undefined;
  }

  /** Drops what it noted about a detached server's sessions (their rows go at the next sweep). */
  forget(source: Source): void {
    const prefix = keyOf(source.number, "");
    for (const key of this.#openedAt.keys()) if (key.startsWith(prefix)) this.#openedAt.delete(key);
  }

  /** Reads one server's session table. */
  update(source: Source, now: number, tick: number): void {
    for (const session of source.runtime.sessions.values()) {
      const key = keyOf(source.number, session.id);
      const state = this.#states.get(key);
      const row = sessionRowOf(session, source.runtime, source.number, state?.row.since ?? this.#openedAt.get(key) ?? now);
      const signature = sessionSignature(row);
      if (!state) {
        this.#states.set(key, { key, row, signature, version: tick, seenTick: tick });
        continue;
      }
      state.seenTick = tick;
      if (state.signature === signature) continue;
      state.row = row;
      state.signature = signature;
      state.version = tick;
    }
  }

  /** Forgets sessions that were not read on this tick (closed, or their server detached). */
  sweep(tick: number): void {
    for (const [key, state] of this.#states) if (state.seenTick !== tick) this.#states.delete(key);
    this.#sorted = [...this.#states.values()].sort((a, b) => b.row.since - a.row.since || (a.key < b.key ? -1 : 1));
  }

  /** The session with this key, if open. */
  get(key: string): SessionState | undefined {
    return this.#states.get(key);
  }
}

function keyOf(server: number, sessionId: string): string {
  return `${server}\n${sessionId}`;
}
