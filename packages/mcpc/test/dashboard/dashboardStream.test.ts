/**
 * What the page is told, read from its update stream: each session's rung,
 * tasks as rows with progress, coalesced to one message per interval; a stop
 * from the page; the log; the feed; and a page only ever gets its own page.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { McpcClient } from "../../src/client/index.js";
import { TOKEN_HEADER, serveDashboard, type DashboardServing } from "../../src/dashboard/index.js";
import type { TickMessage } from "../../src/dashboard/viewer.js";
import type { TaskRow } from "../../src/dashboard/taskRow.js";
import type { SessionRow } from "../../src/dashboard/sessionRow.js";
import { MemoryTaskStore, type TaskEvent, type TaskRecord } from "../../src/engine/index.js";
import type { HttpServing } from "../../src/transports/http/index.js";
import { waitFor } from "../support/async.js";
import { Jobs, finallyRan } from "./fixture.js";
import { openSse, rawRequest, type SseClient, type SseEvent } from "./sseClient.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(server: Jobs): Promise<HttpServing> {
  const serving = await server.serve({ transport: "http", port: 0, handleSignals: false, exitOnClose: false });
  cleanups.push(() => serving.close());
  return serving;
}

async function mcpcClient(serving: HttpServing): Promise<McpcClient> {
  const client = new McpcClient(new Client({ name: "native-app", version: "2.0.0" }), { legacy: false });
  await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
  cleanups.push(() => client.close());
  return client;
}

async function sdkClient(serving: HttpServing, name: string, tasks = false): Promise<Client> {
  const client = new Client({ name, version: "1.0.0" }, { capabilities: tasks ? { tasks: {} } : {} });
  await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
  cleanups.push(() => client.close());
  return client;
}

async function page(dashboard: DashboardServing): Promise<{ stream: SseClient; viewer: string }> {
  const stream = await openSse(dashboard.url.replace("/?", "/events?"));
  cleanups.push(async () => stream.close());
  const hello = await stream.next((event) => event.event === "hello", "hello");
  return { stream, viewer: (hello.data as { viewer: string }).viewer };
}

const ticks = (stream: SseClient): TickMessage[] => stream.events.filter((event) => event.event === "tick").map((event) => event.data as TickMessage);
const rowsOf = (stream: SseClient): TaskRow[] => ticks(stream).flatMap((tick) => tick.rows ?? []);
const sessionsOf = (stream: SseClient): SessionRow[] => ticks(stream).flatMap((tick) => tick.sessions?.upsert ?? []);
const isTick = (match: (tick: TickMessage) => boolean) => (event: SseEvent) => event.event === "tick" && match(event.data as TickMessage);

function post(dashboard: DashboardServing, path: string, body: unknown) {
  return rawRequest(dashboard.url.replace(/\/\?token=.*$/, `/api/${path}`), { method: "POST", body, headers: { [TOKEN_HEADER]: dashboard.dashboard.token } });
}

describe("the dashboard's update stream", () => {
  it("shows each session's rung: MCPC native, MCP tasks, job handles, and synchronous where handles are off", async () => {
    const withHandles = new Jobs();
    const withoutHandles = new Jobs({ name: "no-handles", jobHandles: false });
    const [a, b] = [await serve(withHandles), await serve(withoutHandles)];
    const dashboard = await serveDashboard([withHandles.runtime, withoutHandles.runtime], { intervalMs: 50 });
    cleanups.push(() => dashboard.close());
    await mcpcClient(a);
    await sdkClient(a, "tasks-host", true);
    await sdkClient(a, "plain-host");
    await sdkClient(b, "plain-host-2");
    const { stream } = await page(dashboard);
    await stream.next(isTick(() => sessionsOf(stream).length >= 4), "four sessions");
    const rung = (client: string) => sessionsOf(stream).find((row) => row.client === client);
    expect(rung("native-app")).toMatchObject({ rung: "native", version: "2.0.0", transport: "streamable-http", server: 0 });
    expect(rung("tasks-host")?.rung).toBe("mcp-tasks");
    expect(rung("plain-host")?.rung).toBe("handles");
    expect(rung("plain-host-2")).toMatchObject({ rung: "sync", server: 1 });
    expect(ticks(stream).find((tick) => tick.servers)?.servers).toEqual(["jobs", "no-handles"]);
  });

  it("carries a task's progress as rows, coalesced to about one message per interval however often it yields", async () => {
    const server = new Jobs();
    const serving = await serve(server);
    const dashboard = await serveDashboard(server.runtime, { intervalMs: 100 });
    cleanups.push(() => dashboard.close());
    const { stream } = await page(dashboard);
    const client = await mcpcClient(serving);
    const started = Date.now();
    const task = await client.callTool("count", { every: 1, to: 400 });
    let yields = 0;
    for await (const event of task.events()) if (event.type === "task" && event.event === "update") yields++;
    const elapsed = Date.now() - started;
    await stream.next(isTick((tick) => tick.rows?.some((row) => row.status === "completed") ?? false), "the completed row");
    const rows = rowsOf(stream).filter((row) => row.task === task.taskId);
    expect(yields).toBe(400);
    // Far fewer rows than updates: one per interval at most, plus the first and the last.
    expect(rows.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 3);
    expect(rows.length).toBeLessThan(yields / 4);
    const progress = rows.map((row) => row.progress ?? 0);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(rows.at(-1)).toMatchObject({ status: "completed", progress: 400, total: 400, tool: "count", outcome: '{"counted":400}' });
  });

  it("stops a task from the page: it ends cancelled with the dashboard's reason, its finally ran, and the page is told", async () => {
    const server = new Jobs();
    const serving = await serve(server);
    const dashboard = await serveDashboard(server.runtime, { intervalMs: 50 });
    cleanups.push(() => dashboard.close());
    const { stream } = await page(dashboard);
    const client = await mcpcClient(serving);
    const task = await client.callTool("count", { every: 20 });
    const row = await stream.next(isTick((tick) => tick.rows?.some((r) => r.task === task.taskId && (r.progress ?? 0) >= 2) ?? false), "progress");
    const id = (row.data as TickMessage).rows?.find((r) => r.task === task.taskId)?.id;
    const answer = await post(dashboard, "stop", { row: id });
    expect(answer.status).toBe(200);
    expect(finallyRan.has(task.taskId)).toBe(true);
    expect(await client.check(task.taskId)).toMatchObject({ status: "cancelled", error: "Stopped from the dashboard" });
    const terminal = await task.result();
    expect(terminal).toMatchObject({ event: "cancelled", result: "Stopped from the dashboard" });
    await stream.next(isTick((tick) => tick.rows?.some((r) => r.id === id && r.status === "cancelled" && r.outcome === "Stopped from the dashboard") ?? false), "the cancelled row");
  });

  it("shows a task's log: what it saw, with the in-memory store; the store's own events where it keeps them", async () => {
    for (const store of [undefined, new LoggingStore()]) {
      const server = new Jobs(store ? { tasks: { store } } : {});
      const serving = await serve(server);
      const dashboard = await serveDashboard(server.runtime, { intervalMs: 30 });
      cleanups.push(() => dashboard.close());
      const { stream } = await page(dashboard);
      const task = await (await mcpcClient(serving)).callTool("count", { every: 40, to: 4 });
      await task.result();
      const done = await stream.next(isTick((tick) => tick.rows?.some((r) => r.task === task.taskId && r.status === "completed") ?? false), "completed");
      const id = (done.data as TickMessage).rows?.find((r) => r.task === task.taskId)?.id;
      const log = JSON.parse((await post(dashboard, "log", { row: id })).body) as { source: string; entries: { seq: number; event: string }[] };
      if (store) {
        expect(log.source).toBe("engine");
        expect(log.entries.map((entry) => entry.event)).toEqual(["created", "update", "update", "update", "update", "complete"]);
      } else {
        expect(log.source).toBe("observed");
        expect(log.entries.at(-1)).toMatchObject({ event: "completed", seq: 6 });
        expect(log.entries.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it("feeds server events and sessions opening and closing, even those between two reads", async () => {
    const server = new Jobs();
    const serving = await serve(server);
    const dashboard = await serveDashboard(server.runtime, { intervalMs: 50 });
    cleanups.push(() => dashboard.close());
    const { stream } = await page(dashboard);
    const client = await sdkClient(serving, "announcer");
    await client.callTool({ name: "announce", arguments: { text: "maintenance at noon" } });
    await (client.transport as StreamableHTTPClientTransport).terminateSession();
    await stream.next(isTick((tick) => tick.feed?.some((entry) => entry.kind === "session_closed") ?? false), "the closing");
    const feed = ticks(stream).flatMap((tick) => tick.feed ?? []);
    expect(feed.map((entry) => entry.kind)).toEqual(["session_opened", "server_event", "session_closed"]);
    expect(feed[1]).toMatchObject({ name: "announcement", payload: '{"text":"maintenance at noon"}', reached: 1 });
  });

  it("sends a page only its own rows: 120 live tasks, 25 a page, and the next page on request", async () => {
    const server = new Jobs();
    const serving = await serve(server);
    const dashboard = await serveDashboard(server.runtime, { intervalMs: 50, lingerMs: 200 });
    cleanups.push(() => dashboard.close());
    const { stream, viewer } = await page(dashboard);
    const client = await mcpcClient(serving);
    await Promise.all(Array.from({ length: 120 }, () => client.callTool("count", { every: 5 })));
    expect((await post(dashboard, "view", { viewer, size: 25, offset: 25, filter: "live" })).status).toBe(200);
    const latest = <K extends keyof TickMessage>(key: K): TickMessage[K] | undefined => ticks(stream).findLast((tick) => tick[key] !== undefined)?.[key];
    await stream.next(() => latest("totals")?.live === 120 && latest("order")?.length === 25, "a page of 25 of 120");
    const seen = stream.events.length;
    await waitFor(() => stream.events.length > seen + 5, "more ticks", 5_000);
    for (const tick of ticks(stream).slice(-5)) {
      expect(tick.rows?.length ?? 0).toBeLessThanOrEqual(25);
      expect(tick.order?.length ?? 25).toBe(25);
    }
    expect((await post(dashboard, "view", { viewer, size: 500 })).status).toBe(400);
    // The session closes: its tasks are stopped and forgotten, shown as gone, and leave the page after the linger time.
    expect((await post(dashboard, "view", { viewer, size: 25, filter: "all" })).status).toBe(200);
    await (client.sdk.transport as StreamableHTTPClientTransport).terminateSession();
    const before = stream.events.length;
    await stream.next(isTick((tick) => tick.totals?.all === 0), "the tasks leaving", 10_000, before);
    expect(rowsOf(stream).filter((row) => row.gone).length).toBeGreaterThanOrEqual(25);
  });
});

/** An in-memory store that also keeps each task's event log, as a Redis store does. */
class LoggingStore extends MemoryTaskStore {
  readonly #log = new Map<string, TaskEvent[]>();
  append(record: TaskRecord, event: TaskEvent): void {
    const key = `${record.owner}\n${record.task_id}`;
    this.#log.set(key, [...(this.#log.get(key) ?? []), event]);
  }
  events(owner: string, taskId: string, afterSeq: number, limit = 10_000): TaskEvent[] | undefined {
    return this.#log.get(`${owner}\n${taskId}`)?.filter((event) => event.seq > afterSeq).slice(0, limit);
  }
}
