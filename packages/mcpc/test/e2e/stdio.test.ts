import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { McpcMessage } from "../../src/index.js";
import type { TaskHandle, TaskHandleEvent } from "../../src/client/index.js";
import { INITIALIZE, RawProcess, connectMcpc, connectPlain, eventually, fixture } from "./harness.js";

const SERVER = fixture("stdioServer.ts");
const PLAIN = fixture("plainSdkServer.ts");

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mcpc(file = SERVER) {
  const connected = await connectMcpc(file);
  cleanups.push(() => connected.close());
  return connected;
}

async function collect(handle: TaskHandle): Promise<TaskHandleEvent[]> {
  const events: TaskHandleEvent[] = [];
  for await (const event of handle.events()) events.push(event);
  return events;
}

// The core scenarios (created first, 50 concurrent tasks, stop, failure, fallback progress and
// heartbeats, bad input) run over stdio, Streamable HTTP and legacy SSE in transports.test.ts;
// this file holds what only stdio has, or only needs showing once.
describe("our client against an mcpc server over stdio", () => {
  it("answers ordinary and streaming tools synchronously through the same handle", async () => {
    const { client } = await mcpc();
    const sum = await client.callTool("add", { a: 2, b: 40 });
    expect(sum.mode).toBe("sync");
    expect(await sum.value()).toBe("42");
    const streamed = await client.callTool("count_sync", { n: 3 });
    expect(await streamed.value()).toBe("counted to 3");
  });

  it("delivers a server event to the MCPC session", async () => {
    const { client } = await mcpc();
    const received = new Promise<McpcMessage>((resolve) => client.on((m) => m.type === "server_event" && resolve(m)));
    const call = await client.callTool("announce", { text: "hello" });
    expect(await call.value()).toEqual({ sent: 1 });
    expect(await received).toMatchObject({ type: "server_event", event: "announcement", result: { text: "hello" }, task_id: null });
  });
});

describe("our client against a plain SDK server (no MCPC)", () => {
  it("still calls tools, with progress as updates and the answer as the terminal event", async () => {
    const { client } = await mcpc(PLAIN);
    expect(client.mcpcEnabled).toBe(false);
    const task = await client.callTool("slow_sum", { a: 1, b: 2 });
    const events = await collect(task);
    expect(events.map((e) => e.event)).toEqual(["update", "update", "update", "complete"]);
    expect(events.at(-1)?.result).toBe("3");
    const failing = await client.callTool("fails");
    expect((await failing.result()).event).toBe("failed");
    await expect(client.check("anything")).rejects.toMatchObject({ code: "INVALID_STATE" });
  });

  it("loses no progress that shares a read with the answer (the SDK client alone drops those)", async () => {
    const { client } = await mcpc(PLAIN);
    for (let round = 0; round < 5; round++) {
      const task = await client.callTool("burst", { n: 300 });
      const events = await collect(task);
      expect(events.filter((e) => e.event === "update").map((e) => (e.result as { progress: number }).progress)).toEqual(
        Array.from({ length: 300 }, (_, i) => i + 1),
      );
      expect(events.at(-1)).toMatchObject({ event: "complete", result: "sent 300" });
    }
  });
});

/** A raw JSON-lines session with the fixture server, initialized (`mcpc`: declaring the native capability); killed after the test. */
async function rawSession(mcpc: boolean): Promise<{ raw: RawProcess; init: Record<string, unknown> }> {
  const raw = new RawProcess(SERVER);
  cleanups.push(() => raw.kill());
  raw.send(INITIALIZE(1, mcpc));
  const init = await raw.waitFor((m) => m.id === 1);
  raw.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  return { raw, init };
}

describe("the synchronous fallback's barrier on the wire", () => {
  it("answers each call only after a ping written after its last progress; calls ending together share a ping", async () => {
    const { raw } = await rawSession(false);
    const calls = 50;
    // One write: the calls start, and end, together.
    raw.send(
      Array.from({ length: calls }, (_, i) =>
        JSON.stringify({ jsonrpc: "2.0", id: 100 + i, method: "tools/call", params: { name: "count", arguments: { n: 3, delayMs: 20 }, _meta: { progressToken: `p${i}` } } }),
      ).join("\n"),
    );
    for (let i = 0; i < calls; i++) await raw.waitFor((m) => m.id === 100 + i);
    const messages = raw.lines.map((line) => JSON.parse(line) as { id?: number; method?: string; params?: { progressToken?: string } });
    const pings = messages.flatMap((m, at) => (m.method === "ping" ? [at] : []));
    for (let i = 0; i < calls; i++) {
      const lastProgress = messages.findLastIndex((m) => m.params?.progressToken === `p${i}`);
      const answer = messages.findIndex((m) => m.id === 100 + i && m.method === undefined);
      expect(messages.filter((m) => m.params?.progressToken === `p${i}`)).toHaveLength(3);
      expect(pings.some((at) => at > lastProgress && at < answer)).toBe(true);
    }
    expect(pings.length).toBeGreaterThan(0);
    expect(pings.length).toBeLessThanOrEqual(calls / 5);
  });
});

describe("the native dialect on the wire", () => {
  it("writes the created answer before the task's first event, even for a tool that yields at once", async () => {
    const { raw, init } = await rawSession(true);
    expect(init.result).toMatchObject({ capabilities: { experimental: { mcpc: { version: "1.0", provider: "fixture" } } } });
    for (let id = 2; id < 12; id++) {
      raw.send(JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "count", arguments: { n: 3 }, _meta: { "mcpc/task": { task_id: `w-${id}` } } } }));
    }
    await raw.waitFor((m) => (m.params as { task_id?: string; event?: string } | undefined)?.task_id === "w-11" && (m.params as { event?: string }).event === "complete");
    const messages = raw.lines.map((line) => JSON.parse(line) as { id?: number; params?: { task_id?: string; seq?: number; event?: string }; result?: { structuredContent?: { event?: string; seq?: number } } });
    for (let id = 2; id < 12; id++) {
      const answerAt = messages.findIndex((m) => m.id === id);
      const firstEventAt = messages.findIndex((m) => m.params?.task_id === `w-${id}`);
      expect(answerAt).toBeGreaterThanOrEqual(0);
      expect(answerAt).toBeLessThan(firstEventAt);
      expect(messages[answerAt]?.result?.structuredContent).toMatchObject({ event: "created", seq: 1, task_id: `w-${id}` });
      const seqs = messages.filter((m) => m.params?.task_id === `w-${id}`).map((m) => m.params?.seq);
      expect(seqs).toEqual([2, 3, 4, 5]);
    }
  });
});

describe("the native dialect: what a task emits waits for its answer too", () => {
  it("writes a server event a task emits at once after that call's created answer", async () => {
    const { raw } = await rawSession(true);
    raw.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "announce_first", arguments: {}, _meta: { "mcpc/task": { task_id: "a-1" } } } }));
    await raw.waitFor((m) => (m.params as { event?: string } | undefined)?.event === "complete");
    const order = raw.lines.map((line) => JSON.parse(line) as { id?: number; params?: { type?: string; event?: string } }).slice(1);
    expect(order.map((m) => (m.id === 2 ? "answer" : `${m.params?.type}:${m.params?.event}`))).toEqual(["answer", "server_event:started", "task:complete"]);
  });

  it("answers a task request without a usable task_id with -32602 naming the field", async () => {
    const { client } = await mcpc();
    await expect(client.sdk.request({ method: "mcpc/tasks/get", params: {} } as never, z.any() as never)).rejects.toThrow(
      /-32602.*mcpc\/tasks\/get needs params \{ "task_id": "<id>" \}/,
    );
    await expect(client.sdk.request({ method: "mcpc/tasks/stop", params: { task_id: 7 } } as never, z.any() as never)).rejects.toThrow(/-32602.*got a number \(7\)/);
  });
});

describe("the synchronous fallback, to a plain SDK client", () => {
  it("stops the task when the client cancels the call (notifications/cancelled), running its finally", async () => {
    const connected = await connectPlain(SERVER);
    cleanups.push(() => connected.close());
    const controller = new AbortController();
    let ticks = 0;
    const call = connected.client.callTool({ name: "watch", arguments: {} }, undefined, {
      signal: controller.signal,
      onprogress: () => {
        if (++ticks === 3) controller.abort("enough");
      },
    });
    await expect(call).rejects.toThrow();
    const deadline = Date.now() + 5_000;
    let finalized: string[] = [];
    while (finalized.length === 0 && Date.now() < deadline) {
      const answer = await connected.client.callTool({ name: "finalized", arguments: {} });
      finalized = (answer.structuredContent as { finalized: string[] }).finalized;
    }
    expect(finalized).toHaveLength(1);
  });

});

describe("bad input gets a clear error and the server keeps serving", () => {
  it("refuses to stop or check another session's task, which keeps running", async () => {
    const a = await mcpc();
    const b = await mcpc();
    const task = await a.client.callTool("watch");
    await expect(b.client.stop(task.taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    await expect(b.client.check(task.taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    expect((await a.client.check(task.taskId)).status).toBe("working");
    await task.stop();
  });

  it("refuses a duplicate client-chosen task id in one session", async () => {
    const { client } = await mcpc();
    const first = await client.callTool("count", { n: 1 }, { taskId: "fixed-id" });
    await first.result();
    await expect(client.sdk.callTool({ name: "count", arguments: { n: 1 }, _meta: { "mcpc/task": { task_id: "fixed-id" } } })).rejects.toThrow(
      /already used in this session/,
    );
  });

  it("answers malformed JSON and non-JSON-RPC lines with errors, then serves the next request", async () => {
    const raw = new RawProcess(SERVER);
    cleanups.push(() => raw.kill());
    raw.send("this is not json");
    expect(await raw.waitFor((m) => (m.error as { code?: number } | undefined)?.code === -32700)).toMatchObject({ id: null });
    raw.send(JSON.stringify({ hello: "world" }));
    expect(await raw.waitFor((m) => (m.error as { code?: number } | undefined)?.code === -32600)).toMatchObject({ id: null });
    raw.send(INITIALIZE(1, false));
    const init = await raw.waitFor((m) => m.id === 1);
    expect(init.result).toMatchObject({ serverInfo: { name: "fixture" } });
  });

  it("keeps stdout for the protocol when tool code writes to it", async () => {
    const connected = await connectPlain(SERVER);
    cleanups.push(() => connected.close());
    const answer = await connected.client.callTool({ name: "noisy", arguments: {} });
    expect(answer.content).toEqual([{ type: "text", text: "still fine" }]);
    expect((await connected.client.callTool({ name: "add", arguments: { a: 1, b: 2 } })).content).toEqual([{ type: "text", text: "3" }]);
    expect(await eventually(connected.stderr, "noise from console.log")).toContain("noise from console.log");
    expect(await eventually(connected.stderr, "noise from process.stdout.write")).toContain("noise from process.stdout.write");
  });

  it("sends ctx.log lines to a client that asked for logs, and to stderr", async () => {
    const connected = await connectPlain(SERVER);
    cleanups.push(() => connected.close());
    const logged: unknown[] = [];
    connected.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logged.push(n.params));
    await connected.client.callTool({ name: "noisy", arguments: {} });
    expect(logged).toEqual([]);
    await connected.client.setLoggingLevel("info");
    await connected.client.callTool({ name: "noisy", arguments: {} });
    expect(logged).toEqual([{ level: "info", logger: "noisy", data: "a log line" }]);
    expect(await eventually(connected.stderr, "[noisy] a log line")).toContain("[noisy] a log line");
  });
});

describe("shutdown", () => {
  it("on SIGTERM ends a running task with a terminal event the client sees, and exits 0", async () => {
    const { raw } = await rawSession(true);
    raw.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "watch", arguments: {}, _meta: { "mcpc/task": { task_id: "t-1" } } } }));
    await raw.waitFor((m) => (m.params as { event?: string } | undefined)?.event === "update");
    raw.child.kill("SIGTERM");
    const terminal = await raw.waitFor((m) => ["cancelled", "failed", "complete"].includes((m.params as { event?: string } | undefined)?.event ?? ""));
    expect(terminal.params).toMatchObject({ event: "cancelled", task_id: "t-1", result: "Server shutting down" });
    expect(await raw.exited()).toBe(0);
  });

  it("answers a plain client's open call when SIGTERM arrives, then exits 0", async () => {
    const { raw } = await rawSession(false);
    raw.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "watch", arguments: {}, _meta: { progressToken: "p" } } }));
    await raw.waitFor((m) => m.method === "notifications/progress");
    raw.child.kill("SIGTERM");
    const answer = await raw.waitFor((m) => m.id === 2);
    expect(answer.result).toMatchObject({ isError: true });
    expect(JSON.stringify(answer.result)).toContain("Server shutting down");
    expect(raw.lines.some((line) => line.includes("notifications/mcpc"))).toBe(false);
    expect(await raw.exited()).toBe(0);
  });
});
