import type { TaskSnapshot, TaskStatus } from "../protocol/message.js";
import type { RuntimeEvent } from "../server/serverRuntime.js";
import type { ResolvedDashboardOptions } from "./dashboardOptions.js";
import { Feed } from "./feed.js";
import type { ObservedRuntime } from "./observedRuntime.js";
import { SessionBoard } from "./sessionBoard.js";
import type { Source } from "./source.js";
import { taskRowOf, textOf, type TaskRow } from "./taskRow.js";

/** The reason a task stopped from the page ends with. */
export const DASHBOARD_STOP_REASON = "Stopped from the dashboard";

/** One change of a task the dashboard saw on a tick (its "observed" log, when the store keeps none). */
export interface ObservedStep {
  at: number;
  seq: number;
  status: TaskStatus;
  update?: string;
}

/** A task's log as the page shows it, and where it came from. */
export interface TaskLog {
  /** `"engine"`: the store's own event log, every event. `"observed"`: the changes this dashboard saw, one per tick at most. */
  source: "engine" | "observed";
  entries: { seq: number; event: string; at?: number; text?: string }[];
}

/** A row and what the board knows about it besides. */
export interface RowState {
  readonly key: string;
  row: TaskRow;
  /** The tick of its last change: a page that was sent an older version gets it again. */
  version: number;
  readonly source: Source;
  history: ObservedStep[];
  seenTick: number;
  goneAt?: number;
}

/** Counts over every task the board holds. */
export interface Totals {
  all: number;
  live: number;
  ended: number;
}

/**
 * Every task of every attached server, read on each tick through the engine's
 * public reads (`registry.list` for the owner of each open session, so a Redis
 * store is read the same way), kept as small rows with a version each. Pages
 * are cut from it by the viewers; the board itself sends nothing.
 */
export class TaskBoard {
  readonly feed: Feed;
  readonly sessions: SessionBoard;
  readonly #options: ResolvedDashboardOptions;
  readonly #sources: Source[] = [];
  readonly #rows = new Map<string, RowState>();
  readonly #byId = new Map<number, RowState>();
  #nextId = 1;
  #tick = 0;
  #sorted: RowState[] = [];
  #totals: Totals = { all: 0, live: 0, ended: 0 };

  constructor(options: ResolvedDashboardOptions) {
    this.#options = options;
    this.feed = new Feed(options.feedSize);
    this.sessions = new SessionBoard();
  }

  /** The tick count: versions are ticks. */
  get tick(): number {
    return this.#tick;
  }

  /** Every row, newest first. */
  get sorted(): readonly RowState[] {
    return this.#sorted;
  }

  get totals(): Totals {
    return this.#totals;
  }

  /** The attached servers' labels, by number (a detached one keeps its number). */
  get servers(): string[] {
    return this.#sources.map((source) => (source.attached ? source.label : `${source.label} (gone)`));
  }

  /** Starts reading a runtime; returns the function that stops (its rows then leave the page after the linger time). */
  attach(runtime: ObservedRuntime, label: string): () => void {
    const source: Source = { number: this.#sources.length, label, runtime, attached: true };
    this.#sources.push(source);
    const unobserve = runtime.observe((event) => this.#note(source, event));
    return () => {
      source.attached = false;
      unobserve();
      this.sessions.forget(source);
    };
  }

  /** The row with this id, if the board holds it. */
  row(id: number): RowState | undefined {
    return this.#byId.get(id);
  }

  /** Reads every attached server once and updates the rows: one tick. */
  async refresh(): Promise<void> {
    const tick = ++this.#tick;
    const now = Date.now();
    const sources = this.#sources.filter((source) => source.attached);
    const reads = await Promise.all(sources.map((source) => readSource(source)));
    let membership = false;
    const unsure = new Set<Source>();
    for (const { source, lists } of reads) {
      this.sessions.update(source, now, tick);
      for (const [owner, snapshots] of lists) {
        // A failed read (a store that is briefly unreachable) is not news that the tasks are gone.
        if (snapshots === undefined) unsure.add(source);
        for (const snapshot of snapshots ?? []) membership = this.#see(source, owner, snapshot, tick) || membership;
      }
    }
    this.sessions.sweep(tick);
    membership = this.#sweep(tick, now, unsure) || membership;
    if (membership) {
      this.#sorted = [...this.#rows.values()].sort((a, b) => b.row.created - a.row.created || b.row.id - a.row.id);
    }
    this.#count();
  }

  /** Stops a task from the page; resolves once it has ended (its `finally` blocks ran, or the grace period passed). */
  async stop(id: number): Promise<TaskRow | undefined> {
    const state = this.#byId.get(id);
    if (!state) return undefined;
    await state.source.runtime.registry.stop(state.row.owner, state.row.task, DASHBOARD_STOP_REASON);
    return state.row;
  }

  /** The task's log: the store's event log when it keeps one, else what this dashboard observed. */
  async log(id: number): Promise<TaskLog | undefined> {
    const state = this.#byId.get(id);
    if (!state) return undefined;
    const { registry } = state.source.runtime;
    try {
      const from = Math.max(0, state.row.seq - this.#options.logEntries);
      const events = await registry.events(state.row.owner, state.row.task, from, this.#options.logEntries);
      return { source: "engine", entries: events.map((event) => ({ seq: event.seq, event: event.event, text: textOf(event.payload) })) };
    } catch {
      // The in-memory store keeps no event log (INVALID_STATE), or the record is gone: what the board saw is what there is.
      return {
        source: "observed",
        entries: state.history.map((step) => ({ seq: step.seq, event: step.status, at: step.at, ...(step.update !== undefined && { text: step.update }) })),
      };
    }
  }

  /** Runs inside the runtime's `emit`: only records. */
  #note(source: Source, event: RuntimeEvent): void {
    if (event.type === "server_event") {
      this.feed.add(
        { kind: "server_event", server: source.number, at: event.at, name: event.event, reached: event.reached, ...(event.sessionId !== undefined && { session: event.sessionId }) },
        event.payload === undefined ? null : event.payload,
      );
      return;
    }
    if (event.type === "session_opened") this.sessions.opened(source, event.sessionId, event.at);
    const client = event.type === "session_closed" ? this.sessions.closed(source, event.sessionId) : undefined;
    this.feed.add({ kind: event.type, server: source.number, at: event.at, session: event.sessionId, ...(client && { client }) });
  }

  /** Takes one snapshot in; true when the row is new. */
  #see(source: Source, owner: string, snapshot: TaskSnapshot, tick: number): boolean {
    const key = `${source.number}\n${owner}\n${snapshot.task_id}`;
    const state = this.#rows.get(key);
    if (state) {
      state.seenTick = tick;
      const { row } = state;
      if (row.seq === snapshot.seq && row.status === snapshot.status && row.updated === snapshot.updated_at && !row.gone) return false;
      state.row = taskRowOf(snapshot, row.id, owner, source.number);
      state.version = tick;
      delete state.goneAt;
      this.#remember(state);
      return false;
    }
    const id = this.#nextId++;
    const added: RowState = { key, row: taskRowOf(snapshot, id, owner, source.number), version: tick, source, history: [], seenTick: tick };
    this.#rows.set(key, added);
    this.#byId.set(id, added);
    this.#remember(added);
    return true;
  }

  #remember(state: RowState): void {
    const { row, history } = state;
    const text = row.outcome ?? row.update;
    history.push({ at: row.updated, seq: row.seq, status: row.status, ...(text !== undefined && { update: text }) });
    if (history.length > this.#options.historyPerTask) history.shift();
  }

  /** Rows not read this tick are marked gone, and removed once they have lingered; true when any was removed. */
  #sweep(tick: number, now: number, unsure: ReadonlySet<Source>): boolean {
    let removed = false;
    const gone: RowState[] = [];
    for (const state of this.#rows.values()) {
      if (state.seenTick === tick || (state.source.attached && unsure.has(state.source))) continue;
      if (state.goneAt === undefined) {
        state.goneAt = now;
        state.row = { ...state.row, gone: true };
        state.version = tick;
      }
      if (now - state.goneAt >= this.#options.lingerMs) {
        this.#delete(state);
        removed = true;
      } else gone.push(state);
    }
    // Bounded however many sessions come and go: the oldest gone rows leave first.
    if (gone.length > this.#options.maxGoneRows) {
      gone.sort((a, b) => (a.goneAt ?? 0) - (b.goneAt ?? 0));
      for (const state of gone.slice(0, gone.length - this.#options.maxGoneRows)) this.#delete(state);
      removed = true;
    }
    return removed;
  }

  #delete(state: RowState): void {
    this.#rows.delete(state.key);
    this.#byId.delete(state.row.id);
  }

  #count(): void {
    let live = 0;
    for (const { row } of this.#sorted) if (!row.gone && (row.status === "working" || row.status === "input_required")) live++;
    this.#totals = { all: this.#sorted.length, live, ended: this.#sorted.length - live };
  }
}

/** One server's open sessions' owners and their tasks (undefined where the read failed). */
async function readSource(source: Source): Promise<{ source: Source; lists: [string, TaskSnapshot[] | undefined][] }> {
  const owners = new Set<string>();
  for (const session of source.runtime.sessions.values()) owners.add(session.owner);
  const lists = await Promise.all(
    [...owners].map(async (owner): Promise<[string, TaskSnapshot[] | undefined]> => [owner, await source.runtime.registry.list(owner).catch(() => undefined)]),
  );
  return { source, lists };
}
