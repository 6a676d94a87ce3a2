import type { ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { ResolvedDashboardOptions } from "./dashboardOptions.js";
import type { FeedEntry } from "./feed.js";
import type { SessionRow } from "./sessionRow.js";
import type { RowState, TaskBoard, Totals } from "./taskBoard.js";
import type { TaskRow } from "./taskRow.js";

/** Which tasks a page lists. */
export type TaskFilter = "all" | "live" | "ended";

/** The slice of the task list one page shows. */
export interface View {
  offset: number;
  size: number;
  filter: TaskFilter;
  /** Lower-case text the tool name, task id or owner must contain; empty: any. */
  q: string;
}

/**
 * One `tick` message: only what changed for this page since the last one it
 * was sent. Its size is bounded by the page size, the session cap and the feed
 * cap, never by how many tasks run or how often they yield.
 */
export interface TickMessage {
  now: number;
  totals?: Totals & { match: number; sessions: number };
  servers?: string[];
  /** The page's first row, when the server moved it (the list got shorter). */
  offset?: number;
  /** The row ids on the page, in order, when they changed. */
  order?: number[];
  /** Rows on the page the page has not seen in this version. */
  rows?: TaskRow[];
  /** Sessions new or changed, and ids of those gone (keys `server\nid`). */
  sessions?: { upsert: (SessionRow & { key: string })[]; remove: string[] };
  feed?: FeedEntry[];
  /** Feed lines it missed (it fell behind, or more came in one interval than a message carries). */
  feedSkipped?: number;
}

/**
 * One open page: its view, and what it was last sent, so that each tick sends
 * it the difference. Nothing queues per page: when its socket is not draining,
 * a tick is skipped for it, and the next one sends the difference from what it
 * actually got. A slow page therefore costs a bounded buffer, not a backlog.
 */
export class Viewer {
  readonly id = randomUUID();
  readonly response: ServerResponse;
  view: View = { offset: 0, size: 50, filter: "all", q: "" };
  /** Messages and bytes written to it: for {@link Dashboard.stats}. */
  messages = 0;
  bytes = 0;
  readonly #options: ResolvedDashboardOptions;
  #rows = new Map<number, number>();
  #sessions = new Map<string, number>();
  #order: number[] | undefined;
  #feedSeq = 0;
  #totals = "";
  #servers = "";

  constructor(response: ServerResponse, options: ResolvedDashboardOptions) {
    this.response = response;
    this.#options = options;
  }

  /** Changes what the page shows; the next {@link push} sends the new page. */
  setView(view: View): void {
    this.view = view;
    this.#order = undefined;
  }

  /** Writes one SSE event. */
  write(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    this.response.write(frame);
    this.messages++;
    this.bytes += Buffer.byteLength(frame);
  }

  /** Sends the page what changed on the board since its last message, if anything did and its socket keeps up. */
  push(board: TaskBoard): void {
    if (this.response.writableLength > this.#options.maxBufferedBytes) return;
    const message: TickMessage = { now: Date.now() };
    const matching = matchingRows(board.sorted, this.view);
    const { size } = this.view;
    const lastPage = matching.length === 0 ? 0 : Math.floor((matching.length - 1) / size) * size;
    if (this.view.offset > lastPage) message.offset = this.view.offset = lastPage;
    const page = matching.slice(this.view.offset, this.view.offset + size);
    const order = page.map((state) => state.row.id);
    if (!sameOrder(order, this.#order)) message.order = order;
    const rows = page.filter((state) => this.#rows.get(state.row.id) !== state.version).map((state) => state.row);
    if (rows.length > 0) message.rows = rows;

    const shown = board.sessions.sorted.slice(0, this.#options.maxSessionRows);
    const upsert = shown.filter((state) => this.#sessions.get(state.key) !== state.version).map((state) => ({ ...state.row, key: state.key }));
    const shownKeys = new Set(shown.map((state) => state.key));
    const remove = [...this.#sessions.keys()].filter((key) => !shownKeys.has(key));
    if (upsert.length > 0 || remove.length > 0) message.sessions = { upsert, remove };

    const { entries, skipped } = board.feed.since(this.#feedSeq, this.#options.feedPerMessage);
    if (entries.length > 0) message.feed = entries;
    if (skipped > 0 && this.#feedSeq > 0) message.feedSkipped = skipped;

    const totals = { ...board.totals, match: matching.length, sessions: board.sessions.sorted.length };
    const totalsKey = JSON.stringify(totals);
    if (totalsKey !== this.#totals) message.totals = totals;
    const servers = board.servers;
    const serversKey = JSON.stringify(servers);
    if (serversKey !== this.#servers) message.servers = servers;

    if (Object.keys(message).length === 1) return;
    this.write("tick", message);
    // Recorded only once written: a skipped tick leaves the page's state as it was, and the next one makes up for it.
    this.#rows = new Map(page.map((state) => [state.row.id, state.version]));
    this.#sessions = new Map(shown.map((state) => [state.key, state.version]));
    this.#order = order;
    this.#feedSeq = board.feed.last;
    this.#totals = totalsKey;
    this.#servers = serversKey;
  }
}

/** The rows a view lists, in the board's order (newest first). */
export function matchingRows(rows: readonly RowState[], view: View): RowState[] {
  const { filter, q } = view;
  if (filter === "all" && q === "") return rows as RowState[];
  return rows.filter(({ row }) => {
    const live = !row.gone && (row.status === "working" || row.status === "input_required");
    if (filter === "live" && !live) return false;
    if (filter === "ended" && live) return false;
    return q === "" || row.tool.toLowerCase().includes(q) || row.task.toLowerCase().includes(q) || row.owner.toLowerCase().includes(q);
  });
}

function sameOrder(a: readonly number[], b: readonly number[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((id, index) => id === b[index]);
}
