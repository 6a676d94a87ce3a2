/**
 * The example to a host that speaks MCP tasks (spec 2025-11-25): the SDK 1.32
 * Client with its experimental tasks API, over stdio and over Streamable HTTP,
 * one scenario for both.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ResponseMessage } from "@modelcontextprotocol/sdk/shared/responseMessage.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CallToolResultSchema, RELATED_TASK_META_KEY, type CallToolResult, type Progress, type Task } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";

const server = fileURLToPath(new URL("../dist/server.js", import.meta.url));
const env = { ...process.env, PROCESS_DATA_STEP_MS: "50" } as Record<string, string>;
const url = "https://example.com/tasks.csv";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** Starts the example with --http --port 0 (stopped after the test) and reads the URL it prints to stderr (bounded). */
async function startHttp(): Promise<URL> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [server, "--http", "--port", "0"], { env });
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

const transports: Record<string, () => Promise<Transport>> = {
  stdio: async () => new StdioClientTransport({ command: process.execPath, args: [server], env, stderr: "ignore" }),
  "streamable-http": async () => new StreamableHTTPClientTransport(await startHttp()),
};

/** A task-capable SDK client; closed after the test (its HTTP session ended first). */
async function connect(transport: Transport): Promise<Client> {
  const client = new Client({ name: "tasks-host", version: "1.0.0" }, { capabilities: { tasks: {} } });
  cleanups.push(async () => {
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) await transport.terminateSession();
    await client.close();
  });
  await client.connect(transport);
  return client;
}

/** Waits (bounded) until `check` holds; the test's events arrive on their own, this only looks. */
async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A result with its random dataId (and the task tag) taken out, for comparing two runs of the tool. */
function comparable(result: CallToolResult): unknown {
  const { _meta: _ignored, ...rest } = result;
  const dataId = (result.structuredContent as { dataId?: unknown } | undefined)?.dataId;
  const text = JSON.stringify(rest);
  return JSON.parse(typeof dataId === "string" ? text.replaceAll(dataId, "<dataId>") : text);
}

describe.each(Object.keys(transports))("process_data as an MCP task over %s", (name) => {
  const open = async () => connect(await (transports[name] as () => Promise<Transport>)());

  it("marks only process_data as a tool that may run as a task", async () => {
    const client = await open();
    expect(client.getServerCapabilities()?.tasks?.requests?.tools?.call).toEqual({});
    const { tools } = await client.listTools();
    expect(Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport]))).toEqual({ process_data: "optional", add: undefined });
  });

  it("answers at once, reports working with a changing message, completes with a plain call's result, and sends every update as progress", async () => {
    const client = await open();
    await client.listTools();
    const plainProgress: Progress[] = [];
    const plain = await client.callTool({ name: "process_data", arguments: { url } }, undefined, { onprogress: (p) => plainProgress.push(p) });
    expect(plain.structuredContent).toMatchObject({ summary: "Processed data. No issues." });

    const progress: Progress[] = [];
    const stream = client.experimental.tasks.callToolStream({ name: "process_data", arguments: { url } }, CallToolResultSchema, {
      task: {},
      onprogress: (p) => progress.push(p),
      timeout: 15_000,
    });
    try {
      const started = performance.now();
      const first = await stream.next();
      const elapsed = performance.now() - started;
      if (first.done || first.value.type !== "taskCreated") throw new Error(`the call answered ${JSON.stringify(first.value)}`);
      expect(elapsed).toBeLessThan(100);
      const { taskId } = first.value.task;
      expect(first.value.task.status).toBe("working");

      // Polls faster than the suggested pollInterval (1 s here) so as to see the steps go by.
      const seen: Task[] = [];
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { _meta: _ignored, ...task } = await client.experimental.tasks.getTask(taskId);
        seen.push(task);
        if (task.status !== "working") break;
        if (Date.now() > deadline) throw new Error(`still working after 10 s: ${JSON.stringify(task)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen.at(-1)?.status).toBe("completed");
      expect(seen.slice(0, -1).every((task) => task.status === "working")).toBe(true);
      const messages = [...new Set(seen.slice(0, -1).flatMap((task) => (task.statusMessage === undefined ? [] : [task.statusMessage])))];
      const order = [`Processing ${url}...`, "step 1/5", "step 2/5", "step 3/5", "step 4/5", "step 5/5"];
      expect(messages.length).toBeGreaterThanOrEqual(2);
      const positions = messages.map((message) => order.indexOf(message));
      expect(positions.every((position) => position >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));

      // The SDK's own stream finishes the job: the terminal status, then tasks/result.
      const rest: ResponseMessage<CallToolResult>[] = [];
      for (let next = await stream.next(); !next.done; next = await stream.next()) rest.push(next.value);
      const last = rest.at(-1);
      if (last?.type !== "result") throw new Error(`the stream ended with ${JSON.stringify(last)}`);
      expect(comparable(last.result)).toEqual(comparable(plain as CallToolResult));
      const result = await client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema);
      expect(result._meta?.[RELATED_TASK_META_KEY]).toEqual({ taskId });
      expect(Object.keys(result.structuredContent ?? {}).sort()).toEqual(["dataId", "summary"]);
      expect(comparable(result)).toEqual(comparable(plain as CallToolResult));

      // One progress notification per update (a string, then five steps), in order, none lost.
      await until(() => progress.length >= 6, `six progress notifications (got ${progress.length})`);
      expect(progress).toHaveLength(6);
      expect(progress).toEqual(plainProgress);
      expect(progress.map((p) => p.message)).toEqual(order);
    } finally {
      await stream.return(undefined);
    }
  });
});
