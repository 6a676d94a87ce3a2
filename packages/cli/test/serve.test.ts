import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { McpcClient } from "mcpc/client";
import { BIN, startCli, stopAll, tempFolder, writeServerFile } from "./cliHarness.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAll();
});
beforeAll(() => expect(existsSync(BIN), `build the bin first: ${BIN}`).toBe(true));

function fixture(version = "v1", options?: Parameters<typeof writeServerFile>[3]): { file: string; markers: string } {
  const { dir, remove } = tempFolder();
  cleanups.push(remove);
  const markers = join(dir, "markers");
  mkdirSync(markers);
  const file = join(dir, "server.ts");
  writeServerFile(file, version, markers, options);
  return { file, markers };
}

async function httpClient(url: string): Promise<McpcClient> {
  const client = new McpcClient(new Client({ name: "test", version: "1.0.0" }));
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  cleanups.push(() => client.close());
  return client;
}

function text(result: unknown): string {
  return ((result as { content: { text: string }[] }).content[0]?.text) ?? "";
}

describe("mcpc serve", () => {
  it("serves a .ts file that calls serve() itself on stdio, once (the runner owns serving)", async () => {
    const { file } = fixture();
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, "serve", file], stderr: "pipe" }));
    cleanups.push(() => client.close());
    expect(text(await client.callTool({ name: "version", arguments: {} }))).toBe("v1");
    const { tools } = await client.listTools();
    // A plain client also gets the job-handle tools of a server with a background tool.
    expect(tools.map((tool) => tool.name).sort()).toEqual(["slow", "task_result", "task_send", "task_status", "task_stop", "version"]);
  });

  it("serves over --http --port 0, prints the URL to stderr, and the file's own serve() opens no second port", async () => {
    const { file } = fixture();
    const runner = startCli(["serve", file, "--http", "--port", "0"]);
    const [, url] = await runner.waitFor(/serving Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/);
    const client = await httpClient(url ?? "");
    const task = await client.callTool("slow", { steps: 2 });
    expect(await task.value()).toBe("v1");
    // The file's `await serve()` went to the runner: no default-port (3000) listener message of its own.
    expect(runner.stderr.match(/serving Streamable HTTP/g)).toHaveLength(1);
  });

  it("--watch over HTTP: after an edit the port stays, new calls run the new code, a running task finishes on the old code", async () => {
    const { file, markers } = fixture("v1", { steps: 1000, stepMs: 20 });
    const runner = startCli(["serve", file, "--http", "--port", "0", "--watch"]);
    const [, url = ""] = await runner.waitFor(/serving Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/);
    const old = await httpClient(url);
    const running = await old.callTool("slow", { steps: 30 });
    const events = running.events();
    await events.next(); // created
    await events.next(); // the first update: the old code is running

    writeServerFile(file, "v2", markers, { steps: 1000, stepMs: 20 });
    await runner.waitFor(/reloaded/);

    const fresh = await httpClient(url);
    expect(text(await fresh.sdk.callTool({ name: "version", arguments: {} }))).toBe("v2");
    // Policy: a task started before the reload finishes on the old code.
    expect(await running.value()).toBe("v1");
    expect(readdirSync(markers)).toContain(`${running.taskId}.v1`);
  });

  it("--watch: a syntax error is reported, the runner keeps serving, and the next good save loads", async () => {
    const { file, markers } = fixture("v1");
    const runner = startCli(["serve", file, "--http", "--port", "0", "--watch"]);
    const [, url = ""] = await runner.waitFor(/serving Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/);

    writeServerFile(file, "v2", markers, { broken: true });
    await runner.waitFor(/could not load [\s\S]*server\.ts[\s\S]*waiting for the next change/);
    expect(text(await (await httpClient(url)).sdk.callTool({ name: "version", arguments: {} }))).toBe("v1");

    writeServerFile(file, "v3", markers);
    await runner.waitFor(/reloaded/);
    expect(text(await (await httpClient(url)).sdk.callTool({ name: "version", arguments: {} }))).toBe("v3");
    expect(runner.child.exitCode).toBeNull();
  });
});
