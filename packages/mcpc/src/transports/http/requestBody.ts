import type { IncomingMessage } from "node:http";
import { HTTP_ERROR_CODES, type Refusal } from "./security.js";

/** How far past the limit an oversized body is still read (and dropped) so its sender can see the 413. */
const DRAIN_FACTOR = 4;

/** A POST body read and parsed as JSON, or the refusal to send instead. */
export type BodyOutcome = { ok: true; body: unknown } | { ok: false; refusal: Refusal };

/**
 * Reads a POST body of at most `limit` bytes and parses it as JSON. We read it
 * (instead of letting the SDK transport do it) because the router must see
 * whether it is an `initialize` request before a session exists, and because the
 * legacy SSE transport has a fixed 4 MB limit of its own. Validation as JSON-RPC
 * stays with the SDK transport that receives the parsed body.
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<BodyOutcome> {
  const tooLarge: BodyOutcome = {
    ok: false,
    refusal: {
      status: 413,
      code: HTTP_ERROR_CODES.refused,
      message: `Payload Too Large: the request body exceeds ${limit} bytes (maxBodyBytes). Send smaller messages.`,
      headers: { Connection: "close" },
    },
  };
  // An oversized body is read to its end and dropped (up to DRAIN_FACTOR × limit), so the client, still
  // sending, gets the 413 instead of a broken pipe; past that the socket is closed after the answer.
  const drainCap = limit * DRAIN_FACTOR;
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > drainCap) return tooLarge;
  // Listeners, not `for await`: leaving an async iterator early destroys the socket, and the 413 would never arrive.
  const read = await new Promise<{ ok: true; text: string } | { ok: false; error?: Error }>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainCap) {
        request.pause();
        resolve({ ok: false });
      } else if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.once("end", () => resolve(size > limit ? { ok: false } : { ok: true, text: Buffer.concat(chunks).toString("utf8") }));
    request.once("error", (error) => resolve({ ok: false, error }));
  });
  if (!read.ok) {
    if (read.error === undefined) return tooLarge;
    return { ok: false, refusal: { status: 400, code: HTTP_ERROR_CODES.refused, message: `Bad Request: the body could not be read (${read.error.message}).` } };
  }
  try {
    return { ok: true, body: JSON.parse(read.text) as unknown };
  } catch (error) {
    return { ok: false, refusal: { status: 400, code: -32700, message: `Parse error: the body is not JSON (${(error as Error).message}).` } };
  }
}
