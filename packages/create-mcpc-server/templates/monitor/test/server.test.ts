import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpcClient } from "mcpc/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// `npm test` builds first, so this is the server exactly as `npm start` runs it.
const server = fileURLToPath(new URL("../dist/server.js", import.meta.url));
const transport = () =>
  new StdioClientTransport({ command: process.execPath, args: [server], env: { ...process.env } as Record<string, string>, stderr: "ignore" });

let dir = "";
let close: (() => Promise<void>) | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "monitor-test-"));
});
afterEach(async () => {
  await close?.();
  close = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe("the server over stdio", () => {
  it("watches a file as a background task, sends file_changed when it changes, and stops when asked", async () => {
    const file = join(dir, "watched.txt");
    const client = new McpcClient(new Client({ name: "mcpc-client", version: "1.0.0" }));
    await client.connect(transport());
    close = () => client.close();
    // The watcher polls, so it may see the file between its creation and its write (size 0):
    // every change is reported, and the one to wait for is the file with its content.
    const changed = new Promise<unknown>((resolve) => {
      client.on((message) => {
        if (message.type !== "server_event" || message.event !== "file_changed") return;
        if ((message.result as { size?: unknown } | null)?.size === 5) resolve(message.result);
      });
    });

    const task = await client.callTool("watch_file", { path: file, intervalMs: 20 });
    expect(task.mode).toBe("background");
    const events = task.events();
    // Wait until the watcher has looked at least once, then create the file.
    for await (const event of events) if (event.event === "update") break;
    await writeFile(file, "hello");
    expect(await changed).toMatchObject({ path: file, exists: true, size: 5 });

    const { stopped } = await task.stop();
    expect(stopped).toBe(true);
    expect((await task.result()).event).toBe("cancelled");
  });

  it("answers file_info for a file that is not there", async () => {
    const client = new Client({ name: "plain-client", version: "1.0.0" });
    await client.connect(transport());
    close = () => client.close();
    const result = await client.callTool({ name: "file_info", arguments: { path: join(dir, "nope") } });
    expect(result.structuredContent).toEqual({ path: join(dir, "nope"), exists: false, size: null });
  });
});
