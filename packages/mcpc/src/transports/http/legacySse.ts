import type { IncomingMessage, ServerResponse } from "node:http";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { faultAnswers, answerFaults } from "./envelope.js";
import { clientKey, type HttpContext } from "./httpContext.js";
import { readJsonBody } from "./requestBody.js";
import { ResponseGauge } from "./responseGauge.js";
import { HTTP_ERROR_CODES, refuse } from "./security.js";
import type { HttpSession } from "./sessionTable.js";

/** Where the legacy transport tells its client to POST (the SDK appends `?sessionId=…`). */
export const LEGACY_MESSAGES_PATH = "/messages";

/**
 * `GET /sse`: opens a legacy HTTP+SSE session (the 2024-11-05 transport) on the
 * SDK's `SSEServerTransport`. The stream stays open for the session's life: while
 * it is open the session is never idle, and when it drops the session closes.
 */
export async function openLegacySse(context: HttpContext, request: IncomingMessage, response: ServerResponse, principal: string | undefined): Promise<void> {
  if (request.method !== "GET") {
    return refuse(response, { status: 405, code: HTTP_ERROR_CODES.refused, message: "Method Not Allowed: /sse takes GET.", headers: { Allow: "GET" } });
  }
  const client = clientKey(request, principal);
  if (!(await context.admit(response, client))) return;
  const transport = new SSEServerTransport(LEGACY_MESSAGES_PATH, response);
  const entry: HttpSession = {
    kind: "sse",
    id: transport.sessionId,
    principal,
    client,
    outbound: new ResponseGauge(),
    transport,
    session: undefined,
    openRequests: 0,
    openStreams: 0,
    lastActivity: Date.now(),
    getStreamOpened: true,
  };
  context.sessions.add(entry);
  context.sessions.track(entry, (done) => response.once("close", done), true);
  // The one stream carries every answer and event of the session: its buffer is what the gauge reads.
  entry.outbound.track(response);
  // connect() starts the transport, which writes the stream's headers and its `endpoint` event.
  await context.connect(entry, response);
}

/** `POST /messages?sessionId=…`: one client message of a legacy SSE session; its answer goes on the stream. */
export async function postLegacyMessage(context: HttpContext, request: IncomingMessage, response: ServerResponse, url: URL, principal: string | undefined): Promise<void> {
  if (request.method !== "POST") {
    return refuse(response, { status: 405, code: HTTP_ERROR_CODES.refused, message: "Method Not Allowed: /messages takes POST.", headers: { Allow: "POST" } });
  }
  const sessionId = url.searchParams.get("sessionId");
  if (!sessionId) {
    return refuse(response, { status: 400, code: HTTP_ERROR_CODES.refused, message: "Bad Request: the sessionId query parameter is required (the endpoint event of GET /sse gives it)." });
  }
  const entry = context.find(response, sessionId, principal, "sse");
  if (!entry) return;
  const body = await readJsonBody(request, context.options.maxBodyBytes);
  if (!body.ok) return refuse(response, body.refusal);
  const faults = faultAnswers(body.body);
  if (faults) {
    // Answers travel on the stream in this transport; the POST says it was refused, with the same errors.
    for (const answer of Array.isArray(faults) ? faults : [faults]) await entry.transport.send(answer).catch(() => undefined);
    return answerFaults(response, faults);
  }
  context.sessions.track(entry, (done) => response.once("close", done));
  await entry.transport.handlePostMessage(request, response, body.body);
}
