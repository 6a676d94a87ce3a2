import type { TaskRecord, TaskEvent } from "mcpc/engine";

/**
 * Records and events as Redis holds them. A record is stored without its
 * owner (the key says whose it is, as a hash); reading puts the owner back.
 */

const STATUSES = new Set(["working", "input_required", "completed", "failed", "cancelled"]);
const EVENTS = new Set(["created", "update", "complete", "failed", "cancelled"]);

/** True for the states a task ends in. */
export function isTerminal(status: string): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}

/**
 * The record as JSON, without its owner, `status` first: the store's scripts
 * read a record's status from the head of the string (see `scripts.ts`).
 */
export function encodeRecord(record: TaskRecord): string {
  const { owner: _owner, ...stored } = record;
  return encodeStored(stored);
}

/** A stored record (no owner) as JSON, `status` first. */
export function encodeStored(stored: Omit<TaskRecord, "owner">): string {
  // Assigned onto an object that has `status` already: the key keeps its first place.
  return JSON.stringify(Object.assign({ status: stored.status }, stored));
}

/** The record of `owner` stored as `json`; undefined when it is not one (written by something else). */
export function decodeRecord(json: unknown, owner: string): TaskRecord | undefined {
  if (typeof json !== "string") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Partial<TaskRecord>;
  const valid =
    typeof record.task_id === "string" &&
    typeof record.tool_name === "string" &&
    typeof record.status === "string" &&
    STATUSES.has(record.status) &&
    typeof record.seq === "number" &&
    typeof record.created_at === "number" &&
    typeof record.updated_at === "number";
  return valid ? ({ ...record, owner } as TaskRecord) : undefined;
}

/** One stream entry (`[id, [field, value, ...]]`) as an event; undefined when it is not one. */
export function decodeEvent(entry: unknown): TaskEvent | undefined {
  if (!Array.isArray(entry) || typeof entry[0] !== "string" || !Array.isArray(entry[1])) return undefined;
  const seq = Number.parseInt(entry[0], 10);
  const fields = entry[1] as unknown[];
  let event: unknown;
  let payload: unknown;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === "e") event = fields[i + 1];
    else if (fields[i] === "p") payload = fields[i + 1];
  }
  if (!Number.isSafeInteger(seq) || typeof event !== "string" || !EVENTS.has(event) || typeof payload !== "string") return undefined;
  try {
    return { event: event as TaskEvent["event"], seq, payload: JSON.parse(payload) as unknown };
  } catch {
    return undefined;
  }
}
