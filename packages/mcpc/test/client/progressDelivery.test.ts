import { afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { z } from "zod";
import { McpcClient } from "../../src/client/index.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A plain SDK server whose tool reports progress; it records the `_meta` each call arrived with. */
async function plainServer() {
  const metas: unknown[] = [];
  const server = new McpServer({ name: "plain", version: "1.0.0" });
  server.registerTool("steps", { inputSchema: { n: z.number() } }, async ({ n }, extra) => {
    metas.push(extra._meta);
    for (let i = 1; i <= n; i++) {
      await extra.sendNotification({ method: "notifications/progress", params: { progressToken: extra._meta?.progressToken ?? 0, progress: i, total: n } });
    }
    return { content: [{ type: "text", text: `did ${n}` }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  closers.push(() => server.close());
  return { clientSide, metas };
}

describe("McpcClient delivers a plain call's progress to its handle", () => {
  it("through its own transport (connect), without sending its handle key to the server", async () => {
    const { clientSide, metas } = await plainServer();
    const client = new McpcClient(new Client({ name: "t", version: "1" }), { legacy: false });
    await client.connect(clientSide);
    closers.push(() => client.sdk.close());
    const events = [];
    for await (const event of (await client.callTool("steps", { n: 4 })).events()) events.push(event);
    expect(events.map((e) => e.event)).toEqual(["update", "update", "update", "update", "complete"]);
    expect(events[0]?.result).toEqual({ progress: 1, total: 4 });
    expect(JSON.stringify(metas)).not.toContain("mcpc/local-handle");
  });

  it("through the SDK when the SDK client was connected without wrapStreams", async () => {
    const { clientSide, metas } = await plainServer();
    const sdk = new Client({ name: "t", version: "1" });
    const client = new McpcClient(sdk, { legacy: false });
    await sdk.connect(clientSide);
    closers.push(() => sdk.close());
    const events = [];
    for await (const event of (await client.callTool("steps", { n: 3 })).events()) events.push(event);
    expect(events.map((e) => e.event)).toEqual(["update", "update", "update", "complete"]);
    expect(events.at(-1)?.result).toBe("did 3");
    expect(JSON.stringify(metas)).not.toContain("mcpc/local-handle");
  });
});
