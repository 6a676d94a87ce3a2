/**
 * The example to a host that cuts long calls and speaks neither MCPC nor MCP
 * tasks: `--handle-after 1000` with five 1 s steps, so a plain SDK Client gets a
 * job handle after about a second and follows the task with the handle tools.
 * Over stdio and Streamable HTTP, one scenario for both.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { LoggingMessageNotificationSchema, type CallToolResult, type ClientCapabilities, type JSONRPCMessage, type LoggingMessageNotification } from "@modelcontextprotocol/sdk/types.js";
import { McpcClient } from "mcpc/client";
import { afterEach, describe, expect, it } from "vitest";

const server = fileURLToPath(new URL("../dist/server.js", import.meta.url));
const url = "https://example.com/handles.csv";
/** Five steps of one second: the tool runs about 5 s. */
const SLOW = { PROCESS_DATA_STEP_MS: "1000" };
const HANDLE_TOOLS = ["task_result", "task_send", "task_status", "task_stop"];

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface Launched {
  /** A client transport to a new session of this server (for stdio, a new process). */
  transport(): Transport;
  /** The Streamable HTTP endpoint (HTTP only). */
  readonly url?: URL;
}

/** Starts the example with --http --port 0 (stopped after the test) and reads the URL it prints to stderr (bounded). */
async function startHttp(args: readonly string[], env: Record<string, string>): Promise<URL> {
  const child = spawn(process.execPath, [server, "--http", "--port", "0", ...args], { env: { ...process.env, ...env } });
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  });
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 10 s; stderr: ${stderr}`)), 10_000);
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(new URL(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${String(code)}: ${stderr}`));
    });
  });
}

const launchers: Record<string, (args: readonly string[], env?: Record<string, string>) => Promise<Launched>> = {
  stdio: async (args, env = {}) => ({
    transport: () => new StdioClientTransport({ command: process.execPath, args: [server, ...args], env: { ...process.env, ...env } as Record<string, string>, stderr: "ignore" }),
  }),
  "streamable-http": async (args, env = {}) => {
    const endpoint = await startHttp(args, env);
    return { url: endpoint, transport: () => new StreamableHTTPClientTransport(endpoint) };
  },
};

interface Session {
  readonly client: Client;
  readonly transport: Transport;
  readonly logs: LoggingMessageNotification["params"][];
}

/** An SDK client (plain unless given capabilities); closed after the test (its HTTP session ended first). */
async function connect(launched: Launched, capabilities: ClientCapabilities = {}): Promise<Session> {
  const client = new Client({ name: "capped-host", version: "1.0.0" }, { capabilities });
  const session: Session = { client, transport: launched.transport(), logs: [] };
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void session.logs.push(n.params));
  const { transport } = session;
  cleanups.push(async () => {
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) await transport.terminateSession();
    await client.close();
  });
  await client.connect(transport);
  return session;
}

/** What a handle and task_status say about a task (structuredContent). */
interface Facts {
  taskId: string;
  tool: string;
  status: string;
  progress?: { progress: number; total?: number };
  handle?: Record<string, string>;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 20_000 })) as CallToolResult;
}

const factsOf = (result: CallToolResult) => result.structuredContent as unknown as Facts;
const textOf = (result: CallToolResult) => result.content.map((block) => (block.type === "text" ? block.text : "")).join("");

/** task_result until it answers the tool's own result (each call waits up to the threshold), bounded. */
async function finalResult(client: Client, taskId: string): Promise<CallToolResult> {
  for (let round = 0; round < 10; round++) {
    const result = await call(client, "task_result", { taskId });
    if (result.isError || factsOf(result)?.handle === undefined) return result;
    expect(textOf(result)).toContain(`call task_result with taskId "${taskId}" again later`);
  }
  throw new Error(`task_result ${taskId} still running after 10 calls`);
}

/** A result with its random dataId taken out, for comparing two runs of the tool. */
function comparable(result: CallToolResult): unknown {
  const { _meta: _ignored, ...rest } = result;
  const dataId = (result.structuredContent as { dataId?: unknown } | undefined)?.dataId;
  const text = JSON.stringify(rest);
  return JSON.parse(typeof dataId === "string" ? text.replaceAll(dataId, "<dataId>") : text);
}

const toolNames = async (client: Client) => (await client.listTools()).tools.map((tool) => tool.name).sort();

describe.each(Object.keys(launchers))("job handles for a capped host over %s", (name) => {
  const launch = launchers[name] as (args: readonly string[], env?: Record<string, string>) => Promise<Launched>;

  it("--handle-after 1000: process_data answers after ~1 s with its task id; task_status shows it moving; task_result gives what a synchronous call (--handle-after off) gives", async () => {
    const [handles, off] = await Promise.all([launch(["--handle-after", "1000"], SLOW), launch(["--handle-after", "off"], SLOW)]);
    const [{ client }, { client: synchronous }] = await Promise.all([connect(handles), connect(off)]);
    expect(await toolNames(client)).toEqual(["add", "process_data", ...HANDLE_TOOLS]);
    expect(await toolNames(synchronous)).toEqual(["add", "process_data"]);

    // The same 5 s call with handles off, at the same time: it stays synchronous.
    const offStarted = performance.now();
    const waited = call(synchronous, "process_data", { url }).then((result) => ({ result, ms: performance.now() - offStarted }));

    const started = performance.now();
    const handle = await call(client, "process_data", { url });
    const ms = performance.now() - started;
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4_000);
    expect(handle.isError).toBeFalsy();
    const facts = factsOf(handle);
    expect(facts).toMatchObject({ taskId: expect.any(String), tool: "process_data", status: "working", handle: { status: "task_status", result: "task_result", stop: "task_stop" } });
    const { taskId } = facts;
    expect(textOf(handle)).toMatch(/^"process_data" is still running \((Processing https:\/\/example\.com\/handles\.csv\.\.\.|step 1\/5)\)\. It continues in the background: /);
    expect(textOf(handle)).toContain(`call task_status with taskId "${taskId}" to see how it is doing, task_result to wait for its result, task_stop to stop it.`);

    const first = factsOf(await call(client, "task_status", { taskId }));
    expect(first).toMatchObject({ taskId, status: "working" });
    const deadline = Date.now() + 4_000;
    let later = first;
    while ((later.progress?.progress ?? 0) <= (first.progress?.progress ?? 0)) {
      if (Date.now() > deadline) throw new Error(`task_status did not move past ${JSON.stringify(first)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      later = factsOf(await call(client, "task_status", { taskId }));
    }
    expect(later).toMatchObject({ taskId, status: "working", progress: { progress: expect.any(Number), total: 5 } });

    const final = await finalResult(client, taskId);
    expect(Object.keys(final.structuredContent ?? {}).sort()).toEqual(["dataId", "summary"]);
    expect(factsOf(await call(client, "task_status", { taskId })).status).toBe("completed");
    const plain = await waited;
    expect(plain.ms).toBeGreaterThanOrEqual(4_500);
    expect(Object.keys(plain.result.structuredContent ?? {}).sort()).toEqual(["dataId", "summary"]);
    expect(comparable(final)).toEqual(comparable(plain.result));
  });

  it("task_stop stops a second task while the first runs on, and task_status then says cancelled", async () => {
    const { client } = await connect(await launch(["--handle-after", "1000"], SLOW));
    const first = factsOf(await call(client, "process_data", { url }));
    const second = factsOf(await call(client, "process_data", { url: "https://example.com/second.csv" }));
    expect(second.taskId).not.toBe(first.taskId);

    const stopped = await call(client, "task_stop", { taskId: second.taskId });
    expect(stopped.isError).toBeFalsy();
    expect(stopped.structuredContent).toEqual({ taskId: second.taskId, status: "cancelled" });
    const status = await call(client, "task_status", { taskId: second.taskId });
    expect(factsOf(status)).toMatchObject({ taskId: second.taskId, tool: "process_data", status: "cancelled" });
    expect(textOf(status)).toMatch(/^"process_data" was cancelled: /);
    expect(factsOf(await call(client, "task_status", { taskId: first.taskId })).status).toBe("working");
  });

  it("a host that gives up on the call after 2 s without cancelling (handle after 3 s) still gets the result through task_result", async () => {
    const launched = await launch(["--handle-after", "3000"], SLOW);
    const { client, transport } = await connect(launched);
    const sent: JSONRPCMessage[] = [];
    const send = transport.send.bind(transport);
    transport.send = (message, options) => {
      sent.push(message);
      return send(message, options);
    };
    // The server's late answer to the dropped request reaches a client that forgot it: not an error of the test.
    client.onerror = () => undefined;

    const request = { jsonrpc: "2.0" as const, id: "capped-call", method: "tools/call", params: { name: "process_data", arguments: { url } } };
    // The host's cap is the scenario itself: it waits 2 s, then stops waiting (no cancel).
    if (launched.url) await abandonedPost(launched.url, (transport as StreamableHTTPClientTransport).sessionId ?? "", request, 2_000);
    else {
      await transport.send(request);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }

    // The host comes back later: the session's tasks (newest first) and its resources name the task.
    const listed = factsOf(await call(client, "task_status")) as unknown as { tasks: Facts[] };
    expect(listed.tasks.map((task) => [task.tool, task.status])).toEqual([["process_data", "working"]]);
    const taskId = listed.tasks[0]?.taskId ?? "";
    expect((await client.listResources()).resources.map((resource) => resource.uri)).toContain(`mcpc://tasks/${taskId}`);
    const final = await finalResult(client, taskId);
    expect(final.isError).toBeFalsy();
    expect(final.structuredContent).toEqual({ dataId: expect.any(String), summary: "Processed data. No issues." });
    expect(sent.filter((message) => "method" in message && message.method === "notifications/cancelled")).toEqual([]);
  });

  it("a plain client sees the example's server event in mcpc://events and as a notifications/message once it set the log level to info", async () => {
    const session = await connect(await launch([], { PROCESS_DATA_STEP_MS: "10" }));
    const { client } = session;
    await client.setLoggingLevel("info");
    const events = () => session.logs.filter((log) => log.logger === "mcpc.events");
    // Over HTTP the log travels on the session's GET stream, which the SDK client opens on its own: call again until one arrives (bounded).
    let dataId = "";
    for (let attempt = 0; events().length === 0; attempt++) {
      if (attempt === 5) throw new Error("no mcpc.events log after five calls");
      dataId = (factsOf(await call(client, "process_data", { url })) as unknown as { dataId: string }).dataId;
      const deadline = Date.now() + 1_000;
      while (events().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(events().at(-1)).toEqual({ level: "info", logger: "mcpc.events", data: { event: "notification", payload: { message: `Data from ${url} is ready`, dataId } } });

    const { contents } = await client.readResource({ uri: "mcpc://events" });
    const recorded = JSON.parse((contents[0] as { text: string }).text) as { events: { event: string; payload: unknown; at: string }[] };
    expect(recorded.events.at(-1)).toEqual({ event: "notification", payload: { message: `Data from ${url} is ready`, dataId }, at: expect.any(String) });
  });

  it("MCPC sessions do not see the handle tools in tools/list, MCP-task clients see only task_send; a plain client sees them all", async () => {
    const launched = await launch([], { PROCESS_DATA_STEP_MS: "10" });
    expect(await toolNames((await connect(launched)).client)).toEqual(["add", "process_data", ...HANDLE_TOOLS]);
    expect(await toolNames((await connect(launched, { experimental: { mcpc: { version: "1.0" } } })).client)).toEqual(["add", "process_data"]);
    // Their rung has no other way to send a task a message.
    expect(await toolNames((await connect(launched, { tasks: {} })).client)).toEqual(["add", "process_data", "task_send"]);

    const mcpc = new McpcClient(new Client({ name: "mcpc-host", version: "1.0.0" }));
    const transport = launched.transport();
    cleanups.push(async () => {
      if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) await transport.terminateSession();
      await mcpc.close();
    });
    await mcpc.connect(transport);
    expect(mcpc.dialect).toBe("native");
    expect(await toolNames(mcpc.sdk)).toEqual(["add", "process_data"]);
  });

  it("an untagged call from an MCPC session or an MCP-task client waits for the end: no handle naming tools it was not shown", async () => {
    const launched = await launch(["--handle-after", "100"], { PROCESS_DATA_STEP_MS: "60" });
    for (const capabilities of [{ experimental: { mcpc: { version: "1.0" } } }, { tasks: {} }]) {
      const { client } = await connect(launched, capabilities);
      const result = await client.callTool({ name: "process_data", arguments: { url } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ summary: "Processed data. No issues." });
      expect(result.structuredContent).not.toHaveProperty("handle");
    }
  });
});

/** POSTs a request in the session with raw fetch and closes the request after `afterMs` without any cancel, as a capped host does. */
async function abandonedPost(endpoint: URL, sessionId: string, message: unknown, afterMs: number): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), afterMs);
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" },
      body: JSON.stringify(message),
      signal: controller.signal,
    });
    await response.text();
    throw new Error("the POST was answered before the host gave up");
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
}
