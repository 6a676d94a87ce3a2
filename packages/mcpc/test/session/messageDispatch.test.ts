import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Protocol } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { CallToolRequestSchema, EmptyResultSchema, ListToolsRequestSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { installMessageDispatch } from "../../src/session/messageDispatch.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A real SDK Server and Client over the SDK's in-memory pair, the server's messages going through the dispatch. */
async function pair() {
  const server = new Server({ name: "s", version: "1" }, { capabilities: { tools: {} } });
  let started!: () => void;
  const handlerStarted = new Promise<void>((resolve) => (started = resolve));
  let aborted = false;
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [{ name: "slow", inputSchema: { type: "object" as const } }] }));
  server.setRequestHandler(CallToolRequestSchema, async (_request, extra) => {
    started();
    await new Promise<void>((resolve) => extra.signal.addEventListener("abort", () => resolve(), { once: true }));
    aborted = true;
    return { content: [] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const errors: Error[] = [];
  server.onerror = (error) => errors.push(error);
  await server.connect(serverSide);
  const installed = installMessageDispatch(server as unknown as Protocol<never, never, never>, serverSide);
  const client = new Client({ name: "c", version: "1" }, { capabilities: {} });
  await client.connect(clientSide);
  closers.push(() => client.close());
  return { server, client, serverSide, installed, errors, handlerStarted, wasAborted: () => aborted };
}

describe("installMessageDispatch", () => {
  it("is installed on this SDK's Server (fails when the SDK renames its handlers of each kind)", async () => {
    expect((await pair()).installed).toBe(true);
  });

  it("dispatches requests, notifications, results and errors as the SDK's own onmessage does", async () => {
    const { server, client, handlerStarted, wasAborted } = await pair();
    // A request from the client, answered.
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(["slow"]);
    // A result to a request of the server's (its ping), routed to the waiting request.
    await expect(server.ping()).resolves.toEqual({});
    // A notification: a cancel aborts the handler it names.
    const controller = new AbortController();
    const call = client.callTool({ name: "slow", arguments: {} }, undefined, { signal: controller.signal }).catch(() => undefined);
    await handlerStarted;
    controller.abort("stop");
    await call;
    await expect.poll(wasAborted).toBe(true);
    // An error response to a request of the server's rejects that request.
    await expect(server.request({ method: "x/unknown" } as never, EmptyResultSchema)).rejects.toThrow(/Method not found/);
  });

  it("leaves a message of no known kind to the SDK's own onmessage, which reports it", async () => {
    const { serverSide, errors } = await pair();
    serverSide.onmessage?.({ jsonrpc: "2.0" } as unknown as JSONRPCMessage);
    expect(errors.map((error) => error.message).join("\n")).toContain("Unknown message type");
  });

  it("changes nothing where the protocol has not those handlers", () => {
    const transport = { onmessage: (): void => undefined };
    const before = transport.onmessage;
    expect(installMessageDispatch({} as unknown as Protocol<never, never, never>, transport)).toBe(false);
    expect(transport.onmessage).toBe(before);
  });
});
