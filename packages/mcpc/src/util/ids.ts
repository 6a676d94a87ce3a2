import { randomUUID } from "node:crypto";

/**
 * A UUID v4 for a task or a session, as one flat string.
 *
 * Node builds `randomUUID()` by concatenation, so V8 keeps it as a tree of 16
 * cons strings (≈490 bytes) until something reads its characters; an id is held
 * by every map and record of its task for the task's whole life. Reading one
 * character flattens it in place (≈65 bytes).
 */
export function newId(): string {
  const id = randomUUID();
  id.charCodeAt(0);
  return id;
}
