/**
 * Cursors of `tasks/list` and `mcpc/tasks/list` under the watch runner, where
 * several generations may hold tasks at once: the runner pages through them one
 * generation after another, oldest first, and its cursor says which generation
 * the next page comes from and that generation's own cursor there.
 */

/** Where the next page of a merged task list starts. */
export interface ListPosition {
  /** The generation's number; if it has closed since, the next one after it. */
  readonly generation: number;
  /** That generation's own cursor; none: its first page. */
  readonly inner?: string;
}

const PREFIX = "mcpc-serve:";

/** An opaque cursor for `position`. */
export function encodeCursor(position: ListPosition): string {
  return PREFIX + Buffer.from(JSON.stringify({ g: position.generation, c: position.inner })).toString("base64url");
}

/** The position a cursor of ours names; undefined for anything else (passed on, for the server to refuse). */
export function decodeCursor(cursor: string): ListPosition | undefined {
  if (!cursor.startsWith(PREFIX)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor.slice(PREFIX.length), "base64url").toString("utf8")) as { g?: unknown; c?: unknown };
    if (typeof value.g !== "number" || !Number.isInteger(value.g)) return undefined;
    return typeof value.c === "string" ? { generation: value.g, inner: value.c } : { generation: value.g };
  } catch {
    return undefined;
  }
}
