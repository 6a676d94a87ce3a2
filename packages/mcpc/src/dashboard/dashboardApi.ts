import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonBody } from "../transports/http/requestBody.js";
import type { TaskFilter, View } from "./viewer.js";

/**
 * The page's requests besides its stream: small JSON bodies in, JSON out.
 * Every answer is `no-store` (it may name tasks), and every refusal says what to do.
 */

/** The largest request body the page sends (a view or a row id). */
const MAX_BODY_BYTES = 4 * 1024;
const FILTERS: readonly TaskFilter[] = ["all", "live", "ended"];

/** Answers with a JSON body. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
  response.end(JSON.stringify(body));
}

/** Answers with a short plain-text refusal (a person may be reading it in the browser). */
export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", ...headers });
  response.end(`${text}\n`);
}

/** Reads a JSON object body; on failure answers `400`/`413` and resolves undefined. */
export async function readObject(request: IncomingMessage, response: ServerResponse): Promise<Record<string, unknown> | undefined> {
  const outcome = await readJsonBody(request, MAX_BODY_BYTES);
  if (!outcome.ok) {
    sendJson(response, outcome.refusal.status, { error: outcome.refusal.message });
    return undefined;
  }
  const { body } = outcome;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    sendJson(response, 400, { error: "Bad Request: the body must be a JSON object." });
    return undefined;
  }
  return body as Record<string, unknown>;
}

/** A row id from a body (`{ "row": 12 }`), or undefined. */
export function rowIdOf(body: Record<string, unknown>): number | undefined {
  const row = body.row;
  return typeof row === "number" && Number.isSafeInteger(row) && row > 0 ? row : undefined;
}

/** A view from a body, or the reason it is not one. */
export function viewOf(body: Record<string, unknown>, maxPageSize: number): View | string {
  const { offset = 0, size = 50, filter = "all", q = "" } = body;
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) return "offset must be an integer ≥ 0";
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 1 || size > maxPageSize) return `size must be an integer from 1 to ${maxPageSize}`;
  if (typeof filter !== "string" || !FILTERS.includes(filter as TaskFilter)) return `filter must be one of ${FILTERS.join(", ")}`;
  if (typeof q !== "string" || q.length > 200) return "q must be a string of at most 200 characters";
  return { offset, size, filter: filter as TaskFilter, q: q.trim().toLowerCase() };
}
