/**
 * `mcpc serve --http --watch --ui`: each load of the file is a server of its
 * own on the page, and the old one stays listed until its last task has ended.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCli, stopAll, tempFolder, writeServerFile } from "../cliHarness.js";
import { nativeClient, openTickStream } from "./uiServer.js";

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAll();
});

const servers = (tick: Record<string, unknown>): unknown => tick.servers;

describe("mcpc serve --watch --ui", () => {
  it("shows each version of the file as a server of its own, the old one until its task ends", async () => {
    const { dir, remove } = tempFolder();
    cleanups.push(remove);
    const markers = join(dir, "markers");
    mkdirSync(markers);
    const file = join(dir, "server.ts");
    writeServerFile(file, "v1", markers, { stepMs: 20 });
    const runner = startCli(["serve", file, "--http", "--port", "0", "--watch", "--ui"]);
    const [, page = ""] = await runner.waitFor(/dashboard on (\S+)/);
    const [, mcp = ""] = await runner.waitFor(/serving Streamable HTTP on (\S+)/);
    const stream = await openTickStream(page);
    cleanups.push(() => stream.close());
    await stream.until((tick) => JSON.stringify(servers(tick)) === '["version 1"]', "listing version 1");

    const client = await nativeClient(mcp, "watcher");
    cleanups.push(() => client.close());
    const running = await client.callTool("slow", { steps: 100 });
    writeServerFile(file, "v2", markers, { stepMs: 20 });
    await runner.waitFor(/reloaded/);
    await stream.until((tick) => JSON.stringify(servers(tick)) === '["version 1","version 2"]', "listing both versions");
    // The old version finishes its task on the old code, then closes: the page says it is gone.
    expect(await running.value()).toBe("v1");
    await stream.until((tick) => JSON.stringify(servers(tick)) === '["version 1 (gone)","version 2"]', "the old version gone");
  }, 60_000);
});
