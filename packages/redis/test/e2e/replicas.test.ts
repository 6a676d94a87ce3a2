/**
 * Several replicas end to end: two real processes of examples/process-data
 * (`--http --redis <url> --token <secret>`) on one real redis-server, behind a
 * proxy that pins sessions to replicas by `Mcp-Session-Id`, driven by
 * `McpcClient` over Streamable HTTP. What docs/scaling.md promises, shown.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { McpcClient, type McpcListenerMessage } from "mcpc/client";
import type { TaskEvent } from "mcpc/engine";
import { RedisServer, SKIP_REASON } from "../support/redisServer.js";
import { closeAll, makeStore, rawClient } from "../support/stores.js";
import { ExampleReplica, stopReplicas } from "./exampleReplica.js";
import { StickyProxy } from "./stickyProxy.js";

const TOKEN = "token-alpha";
const cleanups: (() => Promise<unknown>)[] = [];

/** A native MCPC client of the principal `token`, through the proxy; the proxy pins its session to the next live replica. */
async function connect(proxy: StickyProxy, token = TOKEN) {
  const transport = new StreamableHTTPClientTransport(proxy.url, { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new McpcClient(new Client({ name: "e2e", version: "1.0.0" }), { legacy: false });
  const messages: McpcListenerMessage[] = [];
  client.on((message) => void messages.push(message));
  await client.connect(transport);
  cleanups.push(() => client.close().catch(() => undefined));
  return { client, messages, replica: proxy.replicaOf(transport.sessionId) };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const terminal = (events: readonly { event: string }[]) => events.filter((e) => e.event === "complete" || e.event === "failed" || e.event === "cancelled");

describe.skipIf(SKIP_REASON !== undefined)("two replicas of process-data on Redis, behind a proxy pinning sessions", () => {
  let redis: RedisServer | undefined;
  const url = (): string => redis?.url ?? "redis://127.0.0.1:1";

  beforeAll(async () => {
    redis = await RedisServer.start({ appendOnly: true });
  });
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    await stopReplicas();
    await closeAll();
    // The next test's replicas reuse the ids r1 and r2: nothing of this one's may look like theirs.
    if (redis) {
      const client = await rawClient(redis.url);
      await client.sendCommand(["FLUSHALL"]);
      await closeAll();
    }
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** Two replicas and a proxy in front of them; sessions go to r1, r2, r1, … */
  let pairs = 0;
  async function twoReplicas(options: { stepMs: number; leaseMs?: number; redisUrl?: string }) {
    const common = { redisUrl: options.redisUrl ?? url(), tokens: [TOKEN, "token-beta"], stepMs: options.stepMs, ...(options.leaseMs !== undefined && { leaseMs: options.leaseMs }) };
    // Replica ids of their own per test: the tests share one Redis, and a replica id a killed replica of an earlier
    // test left behind (its lease, its running set) must not meet a new replica of the same name.
    const ids = [`r1-${++pairs}`, `r2-${pairs}`] as const;
    const [r1, r2] = await Promise.all([ExampleReplica.start({ ...common, replicaId: ids[0] }), ExampleReplica.start({ ...common, replicaId: ids[1] })]);
    const proxy = await StickyProxy.start([r1.url, r2.url]);
    cleanups.push(() => proxy.close());
    // What the test reads Redis through: a store that never judges a lease within a test.
    const observer = makeStore(options.redisUrl ?? url(), { prefix: "mcpc:", replicaId: "observer", leaseMs: 600_000 });
    await observer.ready();
    return { r1, r2, proxy, observer, ids };
  }

  it("a task started through replica 1 is listed, checked and stopped through a session on replica 2: its finally runs on replica 1, exactly one cancelled", async () => {
    const { r1, r2, proxy, observer } = await twoReplicas({ stepMs: 2_000 });
    const one = await connect(proxy);
    const two = await connect(proxy);
    expect([one.replica, two.replica]).toEqual([0, 1]);
    const handle = await one.client.callTool("process_data", { url: "https://example.com/a.csv" });
    const taskId = handle.taskId;
    expect((await two.client.list()).map((task) => task.task_id)).toContain(taskId);
    const checked = await until(() => two.client.check(taskId), (task) => task.last_update !== undefined, "the first update");
    expect(checked).toMatchObject({ status: "working", last_update: "Processing https://example.com/a.csv..." });
    // Another principal sees nothing of it, on either replica.
    const stranger = await connect(proxy, "token-beta");
    await expect(stranger.client.check(taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });

    const outcome = await two.client.stop(taskId);
    expect(outcome).toMatchObject({ stopped: true, task: { task_id: taskId, status: "cancelled" } });
    expect(r1.stderr).toContain(`process-data: task ${taskId} stopped; cleaned up after https://example.com/a.csv`);
    expect(r2.stderr).not.toContain(`task ${taskId} stopped`);
    // The session on replica 1 saw the one cancelled live; the log in Redis holds one terminal event.
    const ended = await handle.result();
    expect(ended.event).toBe("cancelled");
    const live = one.messages.filter((m) => m.type === "task" && m.task_id === taskId);
    expect(terminal(live)).toHaveLength(1);
    const logged = await until(async () => (await observer.events(TOKEN, taskId, 0)) ?? [], (events) => terminal(events).length > 0, "the log's terminal event");
    expect(terminal(logged).map((e) => e.event)).toEqual(["cancelled"]);
    expect((await two.client.stop(taskId)).stopped).toBe(false);
    expect((await one.client.check(taskId)).status).toBe("cancelled");
  });

  it("MCP tasks/cancel and tasks/result, and the handle tools task_stop and task_result, on replica 2 act on a task running on replica 1", async () => {
    const { r1, proxy } = await twoReplicas({ stepMs: 300 });
    const one = await connect(proxy);
    // A plain SDK client of the same principal on replica 2, declaring MCP tasks (as VS Code or the Inspector do).
    const sdk = new Client({ name: "mcp-tasks-host", version: "1.0.0" }, { capabilities: { tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } } });
    const transport = new StreamableHTTPClientTransport(proxy.url, { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } });
    await sdk.connect(transport);
    cleanups.push(() => transport.terminateSession().catch(() => undefined).then(() => sdk.close()));
    expect(proxy.replicaOf(transport.sessionId)).toBe(1);

    const cancelled = await one.client.callTool("process_data", { url: "https://example.com/cancel.csv" });
    const answer = await sdk.experimental.tasks.cancelTask(cancelled.taskId);
    expect(answer).toMatchObject({ taskId: cancelled.taskId, status: "cancelled" });
    expect(r1.stderr).toContain(`task ${cancelled.taskId} stopped`);
    expect((await cancelled.result()).event).toBe("cancelled");

    // tasks/result on replica 2 waits for the end on replica 1 (5 steps of 300 ms), then answers the result.
    const waited = await one.client.callTool("process_data", { url: "https://example.com/wait.csv" });
    const started = Date.now();
    const result = await sdk.experimental.tasks.getTaskResult(waited.taskId, CallToolResultSchema);
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(result.structuredContent).toMatchObject({ summary: "Processed data. No issues." });

    // The handle tools, as a plain host uses them, through the same session on replica 2.
    const stopped = await one.client.callTool("process_data", { url: "https://example.com/handle.csv" });
    const stop = (await sdk.callTool({ name: "task_stop", arguments: { taskId: stopped.taskId } })) as { isError?: boolean };
    expect(stop.isError).toBeFalsy();
    expect(r1.stderr).toContain(`task ${stopped.taskId} stopped`);
    expect((await stopped.result()).event).toBe("cancelled");
    const finished = await one.client.callTool("process_data", { url: "https://example.com/handle-result.csv" });
    const handleResult = (await sdk.callTool({ name: "task_result", arguments: { taskId: finished.taskId } })) as { structuredContent?: unknown };
    expect(handleResult.structuredContent).toMatchObject({ summary: "Processed data. No issues." });
  });

  it("kill -9 replica 1 mid-task: within about two leases, replica 2 reports the task failed naming r1, with exactly one terminal event; a second sweep changes nothing", async () => {
    const leaseMs = 600;
    const { r1, proxy, observer, ids } = await twoReplicas({ stepMs: 3_000, leaseMs });
    const one = await connect(proxy);
    const two = await connect(proxy);
    const handle = await one.client.callTool("process_data", { url: "https://example.com/doomed.csv" });
    await until(() => two.client.check(handle.taskId), (task) => task.last_update !== undefined, "the first update in Redis");
    await r1.kill();
    proxy.markDown(0);
    const killedAt = Date.now();
    const failed = await until(() => two.client.check(handle.taskId), (task) => task.status === "failed", "the lease failure", 5_000);
    // The lease lapses at most leaseMs after the kill; replica 2 judges it at its third look, a third of a lease apart.
    expect(Date.now() - killedAt).toBeLessThan(leaseMs * 3);
    expect(failed.error).toContain(`Replica "${ids[0]}" stopped renewing its lease`);
    const events = (await observer.events(TOKEN, handle.taskId, 0)) ?? [];
    expect(terminal(events)).toEqual([expect.objectContaining({ event: "failed", seq: failed.seq })]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    // A second look, by anyone, changes nothing.
    expect(await observer.checkReplicas()).toBe(0);
    expect(await two.client.check(handle.taskId)).toEqual(failed);
    // A stop through replica 2 now answers the failure without stopping anything.
    expect(await two.client.stop(handle.taskId)).toMatchObject({ stopped: false, task: { status: "failed" } });
  });

  it("a client that moves to replica 2 while its task runs on replica 1 catches up from the log: every event, in order, once; and from any sequence number afterwards", async () => {
    const { proxy } = await twoReplicas({ stepMs: 150 });
    const one = await connect(proxy);
    const handle = await one.client.callTool("process_data", { url: "https://example.com/moving.csv" });
    const live = () => one.messages.filter((m) => m.type === "task" && m.task_id === handle.taskId);
    await until(async () => live().length, (count) => count >= 3, "three events live on replica 1");
    // The client leaves replica 1 (its session ends; with --token the task runs on) and comes back on replica 2.
    await one.client.close();
    const seenLive = live().map((m) => (m.type === "task" ? (m.seq ?? 0) : 0));
    const lastSeen = Math.max(...seenLive);
    const two = await connect(proxy);
    expect(two.replica).toBe(1);
    const caughtUp: number[] = [];
    for await (const event of two.client.replay(handle.taskId, { afterSeq: lastSeen, pollMs: 50 })) caughtUp.push(event.seq);
    expect([...seenLive, ...caughtUp]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const all = await two.client.events(handle.taskId);
    expect(all.map((e) => e.event)).toEqual(["created", "update", "update", "update", "update", "update", "update", "complete"]);
    for (let after = 0; after <= 8; after++) expect(await two.client.events(handle.taskId, after)).toEqual(all.slice(after));
  });

  it("a client whose replica died catches up on replica 2: the events it missed, then the failure naming the lost replica, once", async () => {
    const { r1, proxy, ids } = await twoReplicas({ stepMs: 400, leaseMs: 1_500 });
    const one = await connect(proxy);
    await connect(proxy);
    const handle = await one.client.callTool("process_data", { url: "https://example.com/orphan.csv" });
    await until(async () => handle.lastSeq, (seq) => seq >= 2, "two events live");
    const lastSeen = handle.lastSeq;
    await r1.kill();
    proxy.markDown(0);
    const again = await connect(proxy);
    expect(again.replica).toBe(1);
    const caughtUp = [];
    for await (const event of again.client.replay(handle.taskId, { afterSeq: lastSeen, pollMs: 50 })) caughtUp.push(event);
    expect(caughtUp.map((e) => e.seq)).toEqual(caughtUp.map((_e, i) => lastSeen + i + 1));
    expect(terminal(caughtUp)).toEqual([expect.objectContaining({ event: "failed" })]);
    expect(caughtUp.at(-1)?.payload).toContain(`Replica "${ids[0]}" stopped renewing its lease`);
  }, 60_000);

  it("1,000 background tasks across two replicas complete, with no event lost (live to each session, and in Redis)", async () => {
    const { proxy, observer } = await twoReplicas({ stepMs: 2 });
    const sessions = [await connect(proxy), await connect(proxy)];
    const started = Date.now();
    const handles = await Promise.all(
      sessions.map(async ({ client }, s) => {
        const mine = [];
        for (let wave = 0; wave < 10; wave++) {
          mine.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => client.callTool("process_data", { url: `https://example.com/${s}-${wave}-${i}.csv` })))));
        }
        return mine;
      }),
    );
    const results = await Promise.all(handles.flat().map((handle) => handle.result()));
    const seconds = (Date.now() - started) / 1_000;
    expect(results).toHaveLength(1_000);
    expect(results.every((message) => message.event === "complete")).toBe(true);
    // created, the first message, five steps, complete: eight events each, seq 1..8, seen live by the session that started it.
    for (const [s, session] of sessions.entries()) {
      const bySeq = new Map<string, number[]>();
      for (const message of session.messages) {
        if (message.type !== "task" || message.seq === undefined) continue;
        let seqs = bySeq.get(message.task_id);
        if (!seqs) bySeq.set(message.task_id, (seqs = []));
        seqs.push(message.seq);
      }
      for (const handle of handles[s] ?? []) expect(bySeq.get(handle.taskId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    }
    let logged = 0;
    for (const handle of handles.flat()) {
      const events: TaskEvent[] = (await observer.events(TOKEN, handle.taskId, 0)) ?? [];
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      logged += events.length;
    }
    expect(logged).toBe(8_000);
    process.stderr.write(`[e2e] 1,000 tasks (8,000 events) across two replicas on Redis: ${seconds.toFixed(2)} s from the first call to the last result\n`);
  });

  it("Redis stopped and restarted during a run: the replicas keep answering, every task reaches its terminal state, nothing crashes", async () => {
    const { r1, r2, proxy } = await twoReplicas({ stepMs: 300, leaseMs: 3_000 });
    const sessions = [await connect(proxy), await connect(proxy)];
    const handles = (
      await Promise.all(sessions.map(({ client }, s) => Promise.all(Array.from({ length: 10 }, (_, i) => client.callTool("process_data", { url: `https://example.com/r${s}-${i}.csv` })))))
    ).flat();
    await redis?.pause();
    try {
      // Tools that need no store answer while Redis is away, on both replicas.
      for (const { client } of sessions) {
        const sum = await client.callTool("add", { a: 2, b: 3 });
        expect(Number(await sum.value())).toBe(5);
      }
      // Tasks running meanwhile deliver their events live and end.
      const results = await Promise.all(handles.map((handle) => handle.result()));
      expect(results.every((message) => message.event === "complete")).toBe(true);
    } finally {
      await redis?.restart();
    }
    // Once Redis is back, their records there say so too, read through either replica.
    for (const handle of handles) {
      await until(() => sessions[1]?.client.check(handle.taskId) ?? Promise.reject(new Error("no session")), (task) => task.status === "completed", `task ${handle.taskId} completed in Redis`);
    }
    const again = await sessions[0]?.client.callTool("process_data", { url: "https://example.com/after.csv" });
    expect((await again?.result())?.event).toBe("complete");
    expect(r1.alive && r2.alive).toBe(true);
    for (const replica of [r1, r2]) expect(replica.stderr).not.toMatch(/unhandled|uncaught/i);
    expect(r1.stderr).toContain("lost the connection to Redis");
    expect(r1.stderr).toContain("is back");
  });
});
