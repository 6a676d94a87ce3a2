import { errorMessage } from "../errors.js";
import type { TaskEventName } from "../protocol/message.js";
import type { DriveOutcome } from "./driveGenerator.js";
import { checkJson } from "./jsonPayload.js";
import type { LiveTask } from "./liveTask.js";
import { unsendable } from "./taskErrors.js";
import type { TaskRecord } from "./taskStore.js";

/** The reason a stopped task's `cancelled` event carries. */
export const STOPPED_REASON = "Task stopped";

/** The shortest time a finished record with a retention of its own stays after the end: long enough for a poller to read it. */
const MIN_KEEP_AFTER_END_MS = 60_000;

/** When a record finished at `now` may go: `ttlMs` after the end, or its own `ttl_ms` after creation (see `TaskStartSpec.ttlMs`). */
export function expiryOf(record: TaskRecord, now: number, ttlMs: number): number {
  if (record.ttl_ms === undefined) return now + ttlMs;
  return Math.max(record.created_at + record.ttl_ms, now + Math.min(record.ttl_ms, MIN_KEEP_AFTER_END_MS));
}

/** True once a record is past its expiry: it is gone for readers, whether or not a sweep removed it yet. */
export function expired(record: TaskRecord, now: number): boolean {
  return record.expires_at !== undefined && record.expires_at <= now;
}

/**
 * Writes a task's end into its record (status, result or error, finish time and
 * expiry) and says which terminal event carries it, and how many characters of
 * JSON the finished record holds (for the per-owner byte cap). A return value
 * JSON cannot carry ends the task `failed`, naming why.
 */
export function endRecord(
  record: TaskRecord,
  outcome: DriveOutcome,
  live: Pick<LiveTask, "lastUpdateBytes" | "stopReason">,
  now: number,
  ttlMs: number,
): { event: TaskEventName; payload: unknown; bytes: number; expiresAt: number } {
  record.finished_at = now;
  const expiresAt = (record.expires_at = expiryOf(record, now, ttlMs));
  const bytes = live.lastUpdateBytes;
  const size = outcome.kind === "returned" ? checkJson(outcome.value) : 0;
  if (typeof size === "string") outcome = { kind: "threw", error: unsendable(record, "return value", size) };
  switch (outcome.kind) {
    case "returned":
      record.status = "completed";
      record.result = outcome.value === undefined ? null : outcome.value;
      return { event: "complete", payload: record.result, bytes: bytes + (size as number), expiresAt };
    case "threw":
      record.status = "failed";
      record.error = errorMessage(outcome.error);
      return { event: "failed", payload: record.error, bytes: bytes + record.error.length, expiresAt };
    case "stopped":
      record.status = "cancelled";
      record.error = live.stopReason ?? STOPPED_REASON;
      return { event: "cancelled", payload: record.error, bytes: bytes + record.error.length, expiresAt };
  }
}
