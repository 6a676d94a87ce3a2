import { newId } from "../../util/ids.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { answerFaults, faultAnswers } from "./envelope.js";
import { SessionEventStore } from "./eventStore.js";
import { clientKey, type HttpContext } from "./httpContext.js";
import { cancelWhenAbandoned } from "./postCancellation.js";
import { readJsonBody } from "./requestBody.js";
import { ResponseGauge } from "./responseGauge.js";
import { installNotificationPath } from "./notificationPath.js";
import { HTTP_ERROR_CODES, refuse } from "./security.js";
import type { HttpSession } from "./sessionTable.js";

/**
 * Streamable HTTP at `/mcp`: one SDK `StreamableHTTPServerTransport` (and one mcpc
 * session, one SDK `Server`) per `Mcp-Session-Id`, over the runtime's one task engine.
 * The SDK does the protocol (POST streams, the GET stream, DELETE, SSE ids);
 * this routes requests to sessions, opens and bounds them.
 */
export async function handleStreamableHttp(context: HttpContext, request: IncomingMessage, response: ServerResponse, principal: string | undefined): Promise<void> {
  const header = request.headers["mcp-session-id"];
  const sessionId = typeof header === "string" && header.length > 0 ? header : undefined;
  switch (request.method) {
    case "POST": {
      const body = await readJsonBody(request, context.options.maxBodyBytes);
      if (!body.ok) return refuse(response, body.refusal);
      // The SDK would refuse these with `id: null`: answered here, with their ids.
      const faults = faultAnswers(body.body);
      if (faults) return answerFaults(response, faults);
      if (sessionId === undefined) {
        if (!isInitialize(body.body)) {
          return refuse(response, {
            status: 400,
            code: HTTP_ERROR_CODES.refused,
            message: "Bad Request: Mcp-Session-Id header is required. Open a session with an initialize request first.",
          });
        }
        return openSession(context, request, response, body.body, principal);
      }
      const entry = context.find(response, sessionId, principal, "streamable-http");
      if (!entry) return;
      context.sessions.track(entry, (done) => response.once("close", done));
      entry.outbound.track(response);
      cancelWhenAbandoned(entry, response, body.body);
      return entry.transport.handleRequest(request, response, body.body);
    }
    case "GET":
    case "DELETE": {
      if (sessionId === undefined) {
        return refuse(response, { status: 400, code: HTTP_ERROR_CODES.refused, message: "Bad Request: Mcp-Session-Id header is required." });
      }
      const entry = context.find(response, sessionId, principal, "streamable-http");
      if (!entry) return;
      const listening = request.method === "GET";
      if (listening) {
        prepareGetStream(entry, request);
        entry.outbound.track(response);
      }
      context.sessions.track(entry, (done) => response.once("close", done), listening);
      return entry.transport.handleRequest(request, response);
    }
    default:
      return refuse(response, {
        status: 405,
        code: HTTP_ERROR_CODES.refused,
        message: `Method Not Allowed: /mcp takes POST, GET and DELETE, not ${request.method ?? "(none)"}.`,
        headers: { Allow: "GET, POST, DELETE" },
      });
  }
}

async function openSession(context: HttpContext, request: IncomingMessage, response: ServerResponse, body: unknown, principal: string | undefined): Promise<void> {
  const client = clientKey(request, principal);
  if (!(await context.admit(response, client))) return;
  const id = newId();
  const { options } = context;
  const eventStore = new SessionEventStore({ maxEvents: options.maxEventsPerSession, maxBytes: options.maxEventBytesPerSession });
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => id,
    eventStore,
    keepAliveMs: options.keepAliveMs,
    ...(options.retryIntervalMs !== undefined && { retryInterval: options.retryIntervalMs }),
  });
  installNotificationPath(transport);
  const entry: HttpSession = {
    kind: "streamable-http",
    id,
    principal,
    client,
    outbound: new ResponseGauge(),
    transport,
    eventStore,
    session: undefined,
    openRequests: 0,
    openStreams: 0,
    lastActivity: Date.now(),
    getStreamOpened: false,
  };
  context.sessions.add(entry);
  if (!(await context.connect(entry, response))) return;
  context.sessions.track(entry, (done) => response.once("close", done));
  entry.outbound.track(response);
  await transport.handleRequest(request, response, body);
  // The SDK refused the initialize (a missing Accept type, say): no session came of it.
  if (transport.sessionId === undefined) {
    context.sessions.delete(id);
    await entry.session?.close();
  }
}

/**
 * A session's first GET stream gets every event sent before it opened. The SDK
 * client opens the GET stream only after `initialized` was accepted, and does not
 * wait for it: a task started by its first call can emit before the stream is
 * there. Those events are in the session's store (the SDK stores them even with
 * no stream open), so the first GET is handled as a resumption from the store's
 * origin. A later GET without `Last-Event-ID` is a fresh stream, as the spec says.
 */
function prepareGetStream(entry: HttpSession, request: IncomingMessage): void {
  if (entry.kind !== "streamable-http" || entry.getStreamOpened) return;
  if (!String(request.headers.accept ?? "").includes("text/event-stream")) return;
  entry.getStreamOpened = true;
  if (request.headers["last-event-id"] !== undefined) return;
  const origin = entry.eventStore.originId();
  // The SDK reads headers from rawHeaders (through @hono/node-server); keep both views in step.
  request.headers["last-event-id"] = origin;
  request.rawHeaders.push("Last-Event-ID", origin);
}

function isInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((message) => isInitializeRequest(message)) : isInitializeRequest(body);
}
