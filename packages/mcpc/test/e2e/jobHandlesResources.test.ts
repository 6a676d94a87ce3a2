/**
 * Job handles as resources, end to end: task status as `mcpc://tasks/{taskId}`
 * (read, listed, subscribed with coalesced updates, owner only) and server events
 * for plain clients (`mcpc://events` and `notifications/message`), with plain SDK
 * clients against real fixture processes over stdio and Streamable HTTP.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/async.js";
import { type Plain, type Target, call, finalResult, handOff, httpTargetForBlock, open, stdioTarget, textOf } from "./jobHandlesPeer.js";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const taskUri = (taskId: string) => `mcpc://tasks/${taskId}`;
/** The watcher's interval: at most one `updated` per resource per this many ms. */
const INTERVAL_MS = 500;

interface Snapshot {
  task_id: string;
  tool_name: string;
  status: string;
  seq: number;
  last_update?: unknown;
  result?: unknown;
  error?: string;
  created_at: number;
  updated_at: number;
  finished_at?: number;
}

async function readJson<T>(session: Plain, uri: string): Promise<T> {
  const { contents } = await session.client.readResource({ uri });
  expect(contents).toHaveLength(1);
  expect(contents[0]).toMatchObject({ uri, mimeType: "application/json" });
  return JSON.parse((contents[0] as { text: string }).text) as T;
}

function scenarios(target: () => Target) {
  it("offers the template mcpc://tasks/{taskId}, lists the session's tasks and mcpc://events, and reads a task's snapshot while it runs and once it ended", async () => {
    const session = await open(target());
    const { client } = session;
    expect(client.getServerCapabilities()?.resources).toEqual({ subscribe: true });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: "mcpc://tasks/{taskId}", mimeType: "application/json" })]);
    expect((await client.listResources()).resources.map((resource) => resource.uri)).toEqual(["mcpc://events"]);

    const { taskId } = await handOff(client, "eager_steps", { count: 40, ms: 25 });
    expect((await client.listResources()).resources.map((resource) => resource.uri)).toEqual([taskUri(taskId), "mcpc://events"]);
    const running = await readJson<Snapshot>(session, taskUri(taskId));
    expect(running).toMatchObject({ task_id: taskId, tool_name: "eager_steps", status: "working", seq: expect.any(Number), created_at: expect.any(Number), updated_at: expect.any(Number) });
    expect(running.last_update).toMatchObject({ progress: expect.any(Number), total: 40 });
    expect(running.finished_at).toBeUndefined();

    expect((await finalResult(client, taskId)).structuredContent).toEqual({ count: 40 });
    const ended = await readJson<Snapshot>(session, taskUri(taskId));
    expect(ended).toMatchObject({ task_id: taskId, status: "completed", result: { count: 40 }, last_update: { progress: 40, total: 40, message: "step 40/40" } });
    expect(ended.seq).toBeGreaterThan(running.seq);
    expect(ended.finished_at).toBeGreaterThanOrEqual(ended.created_at);
    expect((await client.listResources()).resources).toContainEqual(expect.objectContaining({ uri: taskUri(taskId), title: '"eager_steps" (completed)' }));

    await expect(client.readResource({ uri: taskUri("no-such-task") })).rejects.toMatchObject({ code: -32002, message: expect.stringContaining("no-such-task") });
  });

  it("a subscription gets notifications/resources/updated while the task runs, at most one per 500 ms for a task yielding every 5 ms, and none once its end was told", async () => {
    const session = await open(target());
    const { client } = session;
    const { taskId } = await handOff(client, "eager_steps", { count: 400, ms: 5 });
    const uri = taskUri(taskId);
    const subscribedAt = performance.now();
    const before = await readJson<Snapshot>(session, uri);
    await client.subscribeResource({ uri });

    await waitFor(() => session.updated.some((n) => n.uri === uri), "the first notifications/resources/updated", 3_000);
    const after = await readJson<Snapshot>(session, uri);
    expect(after.seq).toBeGreaterThan(before.seq);

    expect((await finalResult(client, taskId)).structuredContent).toEqual({ count: 400 });
    const endedAt = performance.now();
    // Absence takes time to show: two watcher intervals (and some) after the end, nothing may come any more.
    await waitFor(() => session.updated.some((n) => n.uri === uri && n.at > endedAt), "the update telling the task's end", 3_000);
    await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_MS + 300));
    const lookedUntil = performance.now();

    const times = session.updated.filter((n) => n.uri === uri).map((n) => n.at);
    const bound = Math.ceil((lookedUntil - subscribedAt) / INTERVAL_MS) + 1;
    expect(times.length, `updates at ${times.map((t) => Math.round(t - subscribedAt)).join(", ")} ms`).toBeGreaterThanOrEqual(3);
    expect(times.length).toBeLessThanOrEqual(bound);
    // Coalesced: never two in one interval (arrival jitter allowed), and nothing after the end's own update.
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThan(INTERVAL_MS / 2);
    expect(times.filter((t) => t > endedAt + INTERVAL_MS + 200)).toEqual([]);
    expect((await readJson<Snapshot>(session, uri)).status).toBe("completed");
  });

  it("server events reach a plain client in mcpc://events (the last 100) and as notifications/message from mcpc.events once it asked for info logs", async () => {
    const session = await open(target());
    const { client } = session;
    const eventLogs = () => session.logs.filter((log) => log.logger === "mcpc.events");
    const labels = () => eventLogs().map((log) => (log.data as { payload: { label: string } }).payload.label);

    await call(client, "shout", { count: 1, label: "unasked" });
    await client.setLoggingLevel("info");
    // Over HTTP the logs travel on the session's GET stream, which the SDK opens on its own: shout until one arrives.
    await waitFor(async () => {
      await call(client, "shout", { count: 1, label: "warm-up" });
      return labels().includes("warm-up");
    }, "the first mcpc.events log", 5_000);
    await client.setLoggingLevel("warning");
    await call(client, "shout", { count: 2, label: "quiet" });
    await client.setLoggingLevel("info");
    await call(client, "shout", { count: 3, label: "loud" });
    await waitFor(() => labels().filter((label) => label === "loud").length === 3, "three loud logs", 5_000);

    expect(labels().filter((label) => label !== "warm-up")).toEqual(["loud", "loud", "loud"]);
    expect(eventLogs().at(-1)).toEqual({ level: "info", logger: "mcpc.events", data: { event: "shout", payload: { label: "loud", n: 3 } } });
    const { events } = await readJson<{ events: { event: string; payload: { label: string; n: number }; at: string }[] }>(session, "mcpc://events");
    expect(events[0]?.payload).toEqual({ label: "unasked", n: 1 });
    expect(events.slice(-5).map((e) => `${e.payload.label} ${e.payload.n}`)).toEqual(["quiet 1", "quiet 2", "loud 1", "loud 2", "loud 3"]);
    expect(events.every((e) => e.event === "shout" && ISO.test(e.at))).toBe(true);

    await client.subscribeResource({ uri: "mcpc://events" });
    await call(client, "shout", { count: 150, label: "many" });
    await waitFor(() => session.updated.some((n) => n.uri === "mcpc://events"), "notifications/resources/updated for mcpc://events", 3_000);
    const kept = (await readJson<{ events: { payload: { label: string; n: number } }[] }>(session, "mcpc://events")).events;
    expect(kept).toHaveLength(100);
    expect(kept[0]?.payload).toEqual({ label: "many", n: 51 });
    expect(kept.at(-1)?.payload).toEqual({ label: "many", n: 150 });
  });
}

describe("task resources and server events over stdio", () => {
  scenarios(() => stdioTarget());
});

describe("task resources and server events over Streamable HTTP", () => {
  const http = httpTargetForBlock();
  scenarios(() => http);

  it("a second session cannot read, list or subscribe to the first one's task resource (-32002), and the handle tools answer it isError", async () => {
    const first = await open(http);
    const second = await open(http);
    const { taskId } = await handOff(first.client, "eager_steps", { count: 100_000, ms: 20 });
    const uri = taskUri(taskId);
    await first.client.subscribeResource({ uri });

    expect((await second.client.listResources()).resources.map((resource) => resource.uri)).toEqual(["mcpc://events"]);
    await expect(second.client.readResource({ uri })).rejects.toMatchObject({ code: -32002, message: expect.stringContaining(taskId) });
    await expect(second.client.subscribeResource({ uri })).rejects.toMatchObject({ code: -32002, message: expect.stringContaining(taskId) });
    for (const tool of ["task_status", "task_result", "task_stop"]) {
      const answer: CallToolResult = await call(second.client, tool, { taskId });
      expect(answer.isError, tool).toBe(true);
      expect(textOf(answer), tool).toContain(`"${taskId}"`);
    }
    expect(textOf(await call(second.client, "task_status"))).toBe("No background tasks in this conversation.");

    // The owner's task is untouched, and only the owner hears of it.
    expect((await readJson<Snapshot>(first, uri)).status).toBe("working");
    await waitFor(() => first.updated.some((n) => n.uri === uri), "the owner's update", 3_000);
    expect(second.updated).toEqual([]);
    expect(textOf(await call(first.client, "task_stop", { taskId }))).toContain("cancelled");
  });
});
