import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcClient, type McpcListenerMessage } from "../../src/client/index.js";
import { attach, type McpcHelper } from "../../src/helper/index.js";
import { waitFor } from "../support/async.js";
import { RawMemoryClient, firstText } from "../support/rawMemoryClient.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An McpServer with one background tool through the helper. */
function processDataServer(): { server: McpServer; mcpc: McpcHelper } {
  const server = new McpServer({ name: "plain-with-helper", version: "1.0.0" });
  const mcpc = attach(server);
  server.registerTool("process_data", { inputSchema: z.strictObject({ url: z.string() }) }, ({ url }, extra) =>
    mcpc.startTask(extra, "process_data", async function* (task) {
      yield `Processing ${url}...`;
      await task.sleep(1);
      yield { progress: 1, total: 1 };
      return { summary: "done", url };
    }),
  );
  cleanups.push(() => mcpc.close());
  return { server, mcpc };
}

async function link(server: McpServer | Server): Promise<InMemoryTransport> {
  const [client, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  return client;
}

describe("attach(server): MCPC for a plain SDK server", () => {
  it("gives our client native tasks: created first, every event with its seq, check and list", async () => {
    const { server, mcpc } = processDataServer();
    const client = new McpcClient(new Client({ name: "native", version: "1.0.0" }), { legacy: false });
    await client.connect(await link(server));
    cleanups.push(() => client.close());
    expect(client.dialect).toBe("native");
    expect(mcpc.dialect).toBe("native");
    const task = await client.callTool("process_data", { url: "u" });
    const events = [];
    for await (const event of task.events()) events.push(event);
    expect(events.map((e) => [e.seq, e.event])).toEqual([[1, "created"], [2, "update"], [3, "update"], [4, "complete"]]);
    expect(events.at(-1)?.result).toEqual({ summary: "done", url: "u" });
    expect(await client.check(task.taskId)).toMatchObject({ status: "completed" });
    expect(await mcpc.checkTask(task.taskId)).toMatchObject({ status: "completed" });
    await mcpc.cleanupTask(task.taskId);
    await expect(mcpc.checkTask(task.taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
  });

  it("answers a plain client synchronously with the return value, and a strict schema never sees a tag", async () => {
    const { server } = processDataServer();
    const plain = new Client({ name: "plain", version: "1.0.0" });
    await plain.connect(await link(server));
    cleanups.push(() => plain.close());
    const result = await plain.callTool({ name: "process_data", arguments: { url: "u", _metadata: { mcpc_task_id: "ignored" } } });
    expect(result.structuredContent).toEqual({ summary: "done", url: "u" });
  });

  it("speaks the legacy dialect to a client that negotiated it: created answer, then callbacks", async () => {
    const { server, mcpc } = processDataServer();
    const { raw } = await RawMemoryClient.open(async (t) => {
      await server.connect(t);
      return mcpc.sessionId ?? "";
    });
    cleanups.push(() => raw.close());
    expect(firstText(await raw.request("tools/call", { name: "is_mcpc_enabled", arguments: {} }))).toEqual({
      ...mcpc.getProtocolInfo(),
      mcpc_direct_updates: true,
    });
    expect(mcpc.dialect).toBe("legacy");
    const created = await raw.request("tools/call", { name: "process_data", arguments: { url: "u", _metadata: { mcpc_session_id: "py", mcpc_task_id: "t-1" } } });
    expect(firstText(created)).toEqual({ type: "task", event: "created", session_id: "py", task_id: "t-1", tool_name: "process_data", result: null, protocol: "mcpc" });
    await raw.waitForCallback((m) => m.event === "complete", "complete");
    expect(raw.callbacks().map((m) => m.event)).toEqual(["update", "update", "complete"]);
    expect(mcpc.send(mcpc.createServerEvent({ event: "notification", result: { ready: true } }))).toBe(true);
    expect(await raw.waitForCallback((m) => m.type === "server_event", "the server event")).toMatchObject({ event: "notification", session_id: "py" });
  });

  it("hides the handshake tools, the tag arguments and the $defs only they used from tools/list", async () => {
    const server = new Server({ name: "low-level", version: "1.0.0" }, { capabilities: { tools: {} } });
    attach(server);
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [
        { name: "_mcpc_init", inputSchema: { type: "object" } },
        {
          name: "process_data",
          inputSchema: {
            type: "object",
            properties: { url: { type: "string" }, mcpc_params: { $ref: "#/$defs/MCPCToolParameters" } },
            required: ["url", "mcpc_params"],
            $defs: { MCPCToolParameters: { type: "object" } },
          },
        },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, (request) => ({ content: [{ type: "text", text: JSON.stringify(request.params.arguments) }] }));
    const plain = new Client({ name: "plain", version: "1.0.0" });
    await plain.connect(await link(server));
    cleanups.push(() => plain.close());
    const { tools } = await plain.listTools();
    expect(tools).toEqual([{ name: "process_data", inputSchema: { type: "object", properties: { url: { type: "string" } }, required: ["url"] } }]);
    // The user's handler never sees the tag, nor the handshake.
    const echoed = await plain.callTool({ name: "process_data", arguments: { url: "u", mcpc_params: { session_id: "s", task_id: "t" } } });
    expect(echoed.content).toEqual([{ type: "text", text: '{"url":"u"}' }]);
    const hello = await plain.callTool({ name: "_mcpc_init", arguments: { mcpc_info: { mcpc_enabled: true } } });
    expect(JSON.parse((hello.content as Array<{ text: string }>)[0]?.text ?? "")).toMatchObject({ mcpc_enabled: true, mcpc_provider: "low-level" });
  });

  it("builds messages like the Python helper, and refuses what it cannot build", () => {
    const { mcpc } = processDataServer();
    const update = mcpc.createMessage({ type: "task", event: "update", sessionId: "s", taskId: "t", toolName: "x", result: 1 });
    expect(update).toEqual({ type: "task", event: "update", session_id: "s", task_id: "t", tool_name: "x", result: 1, protocol: "mcpc" });
    expect(mcpc.createTaskEvent({ event: "complete", toolName: "x", sessionId: "s", taskId: "t" }).result).toBeNull();
    expect(mcpc.createMessage({ type: "server_event", event: "alert", sessionId: "s" })).toMatchObject({ type: "server_event", task_id: null });
    expect(() => mcpc.createMessage({ type: "task", event: "update", sessionId: "s" })).toThrow(/needs toolName, sessionId and taskId/);
    expect(() => mcpc.createServerEvent({ event: "" })).toThrow(/non-empty name/);
    expect(mcpc.messagesToTextContent([update])).toEqual([{ type: "text", text: JSON.stringify(update) }]);
    expect(mcpc.getProtocolInfo()).toEqual({ mcpc_enabled: true, mcpc_version: expect.any(String), mcpc_provider: "plain-with-helper" });
    // Nobody connected: nothing to send to.
    expect(mcpc.send(update)).toBe(false);
  });

  it("stopTask stops a running task, which ends cancelled for our client", async () => {
    const server = new McpServer({ name: "stopper", version: "1.0.0" });
    const mcpc = attach(server, { tasks: { stopGraceMs: 1_000 } });
    cleanups.push(() => mcpc.close());
    let finalized = false;
    server.registerTool("watch", {}, (extra) =>
      mcpc.startTask(extra, "watch", async function* (task) {
        try {
          for (;;) {
            yield "tick";
            await task.sleep(5);
          }
        } finally {
          finalized = true;
        }
      }),
    );
    const client = new McpcClient(new Client({ name: "native", version: "1.0.0" }), { legacy: false });
    await client.connect(await link(server));
    cleanups.push(() => client.close());
    const heard: McpcListenerMessage[] = [];
    client.on((m) => heard.push(m));
    const task = await client.callTool("watch");
    await waitFor(() => heard.some((m) => m.event === "update"), "a first update");
    expect((await mcpc.stopTask(task.taskId)).stopped).toBe(true);
    expect(finalized).toBe(true);
    expect((await task.result()).event).toBe("cancelled");
  });

  it("must be attached before the server connects", async () => {
    const server = new McpServer({ name: "late", version: "1.0.0" });
    const transport = await link(server);
    cleanups.push(() => transport.close());
    expect(() => attach(server)).toThrow(/before server\.connect/);
  });
});
