import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { Protocol, type RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { CallToolRequestSchema, type CallToolRequest, type CallToolResult, type ServerNotification, type ServerRequest } from "@modelcontextprotocol/sdk/types.js";

type Handler = (request: CallToolRequest, extra: RequestHandlerExtra<ServerRequest, ServerNotification>) => Promise<CallToolResult>;

/**
 * Installs the session's `tools/call` handler through the SDK's base `Protocol`
 * registration, which parses each request against `CallToolRequestSchema` as
 * for any method, instead of `Server.setRequestHandler`, which for `tools/call`
 * also wraps the handler to parse the request a second time and the result once
 * more (SDK 1.32.2, `server/index.js`). In a profile of 4,000 calls that wrapper
 * was ~16 µs a call, for checks that add nothing here: mcpc makes its results
 * itself, and the one result a tool may hand over whole is checked against the
 * schema where it is taken (`call/toolResult.ts`). Where the base method is not
 * there (another SDK), the SDK's own registration is used.
 */
export function setCallToolHandler(server: Server, handler: Handler): void {
  const base = (Protocol.prototype as unknown as { setRequestHandler?: unknown }).setRequestHandler;
  if (typeof base !== "function") {
    server.setRequestHandler(CallToolRequestSchema, handler);
    return;
  }
  (base as (this: Server, schema: typeof CallToolRequestSchema, handler: Handler) => void).call(server, CallToolRequestSchema, handler);
}
