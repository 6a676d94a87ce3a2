import { McpcError } from "../errors.js";
import type { TaskSnapshot } from "../protocol/message.js";
import { snapshot, type TaskRecord } from "./taskStore.js";

/** Default and largest page of `TaskRegistry.listPage` (and `mcpc/tasks/list`). */
export const TASK_PAGE = { defaultLimit: 100, maxLimit: 1_000 } as const;

/** Which page of an owner's tasks to list. */
export interface TaskPageRequest {
  /** The `nextCursor` of the previous page; none for the first page. */
  cursor?: string;
  /** Tasks per page, 1 to 1,000. Default 100. */
  limit?: number;
}

/** One page of an owner's tasks, oldest first. */
export interface TaskPage {
  tasks: TaskSnapshot[];
  /** Present when more tasks follow: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

/**
 * The page of `records` after the cursor, in creation order. A cursor is the
 * position of the last task returned (its creation time and id), not an index:
 * tasks that finish or are removed between two pages shift nothing.
 */
export function pageOf(records: readonly TaskRecord[], request: TaskPageRequest): TaskPage {
  const limit = request.limit ?? TASK_PAGE.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > TASK_PAGE.maxLimit) {
    throw new McpcError("INVALID_ARGUMENT", `A page limit must be an integer from 1 to ${TASK_PAGE.maxLimit}; got ${String(limit)}.`);
  }
  const after = request.cursor === undefined ? undefined : readCursor(request.cursor);
  const sorted = [...records].sort(byCreation);
  const start = after === undefined ? 0 : sorted.findIndex((record) => byCreation(record, after) > 0);
  const from = start < 0 ? sorted.length : start;
  const page = sorted.slice(from, from + limit);
  const last = page[page.length - 1];
  const more = from + limit < sorted.length && last !== undefined;
  return more ? { tasks: page.map(snapshot), nextCursor: makeCursor(last) } : { tasks: page.map(snapshot) };
}

type Position = Pick<TaskRecord, "created_at" | "task_id">;

function byCreation(a: Position, b: Position): number {
  return a.created_at - b.created_at || (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : 0);
}

function makeCursor(record: Position): string {
  return Buffer.from(JSON.stringify([record.created_at, record.task_id])).toString("base64url");
}

function readCursor(cursor: unknown): Position {
  const bad = new McpcError("INVALID_ARGUMENT", "Unknown cursor: pass the nextCursor of the previous page as it was, or omit it for the first page.");
  if (typeof cursor !== "string" || cursor.length > 1_024) throw bad;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string") return { created_at: value[0], task_id: value[1] };
  } catch {
    // Falls through to the same answer as any other cursor we did not make.
  }
  throw bad;
}
