import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpcClient, type McpcListenerMessage } from "mcpc/client";
import { afterEach, describe, expect, it } from "vitest";

const server = fileURLToPath(new URL("../dist/server.js", import.meta.url));
const env = { ...process.env, PLAIN_SDK_STEP_MS: "5" } as Record<string, string>;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const transport = () => new StdioClientTransport({ command: process.execPath, args: [server], env, stderr: "ignore" });

describe("the plain SDK server with attach()", () => {
  it("gives our client a native background task: created first, the steps in order, the server event, complete", async () => {
    const client = new McpcClient(new Client({ name: "example", version: "1.0.0" }));
    const heard: McpcListenerMessage[] = [];
    client.on((m) => heard.push(m));
    await client.connect(transport());
    cleanups.push(() => client.close());
    expect(client.dialect).toBe("native");
    const task = await client.callTool("process_data", { url: "https://example.com/x.csv" });
    const events = [];
    for await (const event of task.events()) events.push(event);
    expect(events.map((e) => [e.seq, e.event])).toEqual([[1, "created"], [2, "update"], [3, "update"], [4, "update"], [5, "update"], [6, "complete"]]);
    expect(events.at(-1)?.result).toMatchObject({ summary: "Processed data. No issues." });
    expect(heard.find((m) => m.type === "server_event")).toMatchObject({ event: "notification", result: { message: "Data from https://example.com/x.csv is ready" } });
    expect(task.missed).toBe(0);
  });

  it("lists only its own tools and arguments, and answers a plain client with the final result", async () => {
    const plain = new Client({ name: "plain", version: "1.0.0" });
    await plain.connect(transport());
    cleanups.push(() => plain.close());
    const { tools } = await plain.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["add", "process_data"]);
    expect(JSON.stringify(tools)).not.toMatch(/mcpc|_metadata|\$defs/);
    const progress: number[] = [];
    const result = await plain.callTool({ name: "process_data", arguments: { url: "https://example.com/y.csv" } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.structuredContent).toMatchObject({ summary: "Processed data. No issues." });
    expect(progress).toEqual([0, 1, 2, 3]);
  });

  it("speaks the Python client's dialect: handshake, created answer, MCPC_CALLBACK events", async () => {
    const child = spawn(process.execPath, [server], { env });
    cleanups.push(() => void child.kill());
    const lines: Array<Record<string, unknown>> = [];
    let buffer = "";
    const waiters: Array<() => void> = [];
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i; (i = buffer.indexOf("\n")) >= 0; buffer = buffer.slice(i + 1)) lines.push(JSON.parse(buffer.slice(0, i)) as Record<string, unknown>);
      for (const wake of waiters.splice(0)) wake();
    });
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    const waitFor = async (match: (m: Record<string, unknown>) => boolean) => {
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    const text = (m: Record<string, unknown>) => JSON.parse((m.result as { content: Array<{ text: string }> }).content[0]?.text ?? "null") as Record<string, unknown>;

    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "mcp", version: "0.1.0" } } });
    await waitFor((m) => m.id === 1);
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "_mcpc_init", arguments: { mcpc_info: { mcpc_enabled: true, mcpc_version: "0.2.6", mcpc_provider: "py" } } } });
    expect(text(await waitFor((m) => m.id === 2))).toEqual({ mcpc_enabled: true, mcpc_version: expect.any(String), mcpc_provider: "plain-sdk-server" });
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "process_data", arguments: { url: "https://example.com/z.csv", mcpc_params: { session_id: "sess-1", task_id: "task-1" } } } });
    expect(text(await waitFor((m) => m.id === 3))).toEqual({ type: "task", event: "created", session_id: "sess-1", task_id: "task-1", tool_name: "process_data", result: null, protocol: "mcpc" });
    await waitFor((m) => m.id === "MCPC_CALLBACK" && text(m).event === "complete");
    const callbacks = lines.filter((m) => m.id === "MCPC_CALLBACK").map(text);
    expect(callbacks.map((m) => `${m.type}:${m.event}`)).toEqual(["task:update", "task:update", "task:update", "task:update", "server_event:notification", "task:complete"]);
    expect(lines.findIndex((m) => m.id === 3)).toBeLessThan(lines.findIndex((m) => m.id === "MCPC_CALLBACK"));
    expect(lines.some((m) => m.method === "notifications/mcpc")).toBe(false);
  });
});
