/**
 * The raw SDK over Streamable HTTP, written as the SDK's own session example
 * (`simpleStreamableHttp.ts`) does, on plain `node:http` instead of express: a map
 * session id → transport, a new `StreamableHTTPServerTransport` and `McpServer` for
 * each `initialize`, every later request of the session handed to its transport.
 * No event store (the example's is for resumption, which the bench never uses) and
 * no log line per request.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { MCP_PATH, announceListening, portArg } from "./common.js";
import { benchServer } from "./sdkTools.js";

const transports = new Map<string, StreamableHTTPServerTransport>();

/** express.json() in the example; here by hand. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function fail(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (new URL(request.url ?? "/", "http://localhost").pathname !== MCP_PATH) return fail(response, 404, "Not found");
  const header = request.headers["mcp-session-id"];
  const sessionId = typeof header === "string" ? header : undefined;
  const body = request.method === "POST" ? await readJson(request) : undefined;
  const existing = sessionId === undefined ? undefined : transports.get(sessionId);
  if (existing) return existing.handleRequest(request, response, body);
  if (sessionId !== undefined) return fail(response, 404, "Session not found");
  if (request.method !== "POST" || !isInitializeRequest(body)) return fail(response, 400, "Bad Request: No valid session ID provided");
  const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => {
      transports.set(id, transport);
    },
  });
  transport.onclose = () => {
    if (transport.sessionId !== undefined) transports.delete(transport.sessionId);
  };
  await benchServer().connect(transport);
  await transport.handleRequest(request, response, body);
}

const server = createServer((request, response) => {
  handle(request, response).catch(() => {
    if (!response.headersSent) fail(response, 500, "Internal server error");
  });
});
server.listen(portArg(), "127.0.0.1", () => announceListening((server.address() as AddressInfo).port));
// SIGTERM ends the process cleanly (when profiling, so that --cpu-prof writes its profile).
process.once("SIGTERM", () => process.exit(0));
