import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { setCallToolHandler } from "../../src/session/callToolHandler.js";

type Registered = (request: unknown, extra: unknown) => Promise<unknown>;

function registered(server: Server): Registered {
  const handlers = (server as unknown as { _requestHandlers: Map<string, Registered> })._requestHandlers;
  const handler = handlers.get("tools/call");
  if (!handler) throw new Error("no tools/call handler registered");
  return handler;
}

function server(): Server {
  return new Server({ name: "t", version: "1" }, { capabilities: { tools: {} } });
}

const call = { method: "tools/call", params: { name: "x", arguments: {} } };

describe("setCallToolHandler", () => {
  it("registers without the SDK Server's second parse of the request and its parse of the result (fails if this SDK no longer has that split)", async () => {
    // Refused by CallToolResultSchema: the SDK Server's wrapper would reject it with "Invalid tools/call result".
    const unchecked = { content: "not a list" } as unknown as CallToolResult;
    const viaSdk = server();
    viaSdk.setRequestHandler(CallToolRequestSchema, () => Promise.resolve(unchecked));
    await expect(registered(viaSdk)(call, {})).rejects.toThrow(/Invalid tools\/call result/);

    const viaBase = server();
    setCallToolHandler(viaBase, () => Promise.resolve(unchecked));
    await expect(registered(viaBase)(call, {})).resolves.toBe(unchecked);
  });

  it("still parses each request against CallToolRequestSchema", async () => {
    const s = server();
    let called = 0;
    setCallToolHandler(s, () => {
      called++;
      return Promise.resolve({ content: [] });
    });
    expect(() => registered(s)({ method: "tools/call", params: { arguments: {} } }, {})).toThrow();
    await expect(registered(s)(call, {})).resolves.toEqual({ content: [] });
    expect(called).toBe(1);
  });
});
