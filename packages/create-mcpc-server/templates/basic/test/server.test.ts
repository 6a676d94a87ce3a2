import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpcClient } from "mcpc/client";
import { afterEach, describe, expect, it } from "vitest";

// `npm test` builds first, so this is the server exactly as `npm start` runs it.
const server = fileURLToPath(new URL("../dist/server.js", import.meta.url));
const transport = () =>
  new StdioClientTransport({ command: process.execPath, args: [server], env: { ...process.env, STEP_MS: "10" } as Record<string, string>, stderr: "ignore" });

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("the server over stdio", () => {
  it("answers a plain MCP client's process_items call with the result and one progress update per item", async () => {
    const client = new Client({ name: "plain-client", version: "1.0.0" });
    await client.connect(transport());
    close = () => client.close();
    const progress: number[] = [];
    const result = await client.callTool({ name: "process_items", arguments: { items: ["a", "b", "c"] } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ processed: ["A", "B", "C"], count: 3 });
    expect(progress).toEqual([0, 1, 2, 3]);
  });

  it("runs process_items as a background task for an MCPC client, which can add numbers meanwhile", async () => {
    const client = new McpcClient(new Client({ name: "mcpc-client", version: "1.0.0" }));
    await client.connect(transport());
    close = () => client.close();
    const task = await client.callTool("process_items", { items: ["x", "y"] });
    expect(task.mode).toBe("background");
    const sum = await client.callTool("add", { a: 2, b: 3 });
    expect(await sum.value()).toBe("5"); // an ordinary tool's result comes back as its text content
    expect(await task.value()).toEqual({ processed: ["X", "Y"], count: 2 });
  });
});
