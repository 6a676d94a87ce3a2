import type { TaskSnapshot, TaskStatus } from "../protocol/message.js";

/** The longest text the page gets for an update, a result or an error. */
export const MAX_TEXT = 240;

/** One task, as the page shows it: small, flat, and only what is on screen. */
export interface TaskRow {
  /** The dashboard's own number for the row (what the page sends back to stop it). */
  id: number;
  task: string;
  tool: string;
  owner: string;
  /** Which attached server runs it (an index into the page's server list). */
  server: number;
  status: TaskStatus;
  /** The `seq` of its last event. */
  seq: number;
  /** From its latest update, when that carried numbers (`{ progress, total }`). */
  progress?: number;
  total?: number;
  /** Its latest update as text (the update's `message`, or the update itself). */
  update?: string;
  /** Its result (completed) or error (failed, cancelled), as text. */
  outcome?: string;
  created: number;
  updated: number;
  finished?: number;
  /** Set when its record left the store, or its owner's session closed: it stays on the page a little while. */
  gone?: true;
}

/** The row for a snapshot; `id`, `owner` and `server` come from the board. */
export function taskRowOf(snapshot: TaskSnapshot, id: number, owner: string, server: number): TaskRow {
  const row: TaskRow = {
    id,
    task: snapshot.task_id,
    tool: snapshot.tool_name,
    owner,
    server,
    status: snapshot.status,
    seq: snapshot.seq,
    created: snapshot.created_at,
    updated: snapshot.updated_at,
  };
  if (snapshot.finished_at !== undefined) row.finished = snapshot.finished_at;
  const update = snapshot.last_update;
  if (update !== undefined && update !== null) {
    const numbers = progressOf(update);
    if (numbers) {
      row.progress = numbers.progress;
      if (numbers.total !== undefined) row.total = numbers.total;
    }
    row.update = textOf(isRecord(update) && typeof update.message === "string" ? update.message : update);
  }
  if (snapshot.status === "completed" && snapshot.result !== undefined) row.outcome = textOf(snapshot.result);
  else if (snapshot.error !== undefined) row.outcome = textOf(snapshot.error);
  return row;
}

/** The `progress` (and `total`, when positive) an update carries, if it is an object with finite numbers. */
export function progressOf(update: unknown): { progress: number; total?: number } | undefined {
  if (!isRecord(update) || typeof update.progress !== "number" || !Number.isFinite(update.progress)) return undefined;
  const total = update.total;
  return typeof total === "number" && Number.isFinite(total) && total > 0 ? { progress: update.progress, total } : { progress: update.progress };
}

/** A value as short text: a string as it is, anything else as JSON, cut at {@link MAX_TEXT} characters. */
export function textOf(value: unknown, max = MAX_TEXT): string {
  let text: string;
  if (typeof value === "string") text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      // Task payloads are checked JSON; a server event's is too. Kept for whatever else reaches here.
      text = "(not JSON)";
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
