/**
 * The end-to-end scenarios of the core, written once and run over every
 * transport (transports.test.ts): our client and the plain SDK client against
 * the transport fixture.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, expect, it } from "vitest";
import type { McpcClient, McpcListenerMessage, TaskHandle, TaskHandleEvent } from "../../src/client/index.js";
import { McpcError } from "../../src/index.js";
import { closePlain, openMcpc, openPlain, type TransportTarget } from "./transportHarness.js";

export async function collect(handle: TaskHandle): Promise<TaskHandleEvent[]> {
  const events: TaskHandleEvent[] = [];
  for await (const event of handle.events()) events.push(event);
  return events;
}

export function coreScenarios(target: () => TransportTarget): void {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function mcpc(): Promise<McpcClient> {
    const client = await openMcpc(target().transport());
    cleanups.push(() => client.close());
    return client;
  }

  async function plain(): Promise<Client> {
    const transport = target().transport();
    const client = await openPlain(transport);
    cleanups.push(() => closePlain(client, transport));
    return client;
  }

  it("our client gets created first, then every event in order with no gap, each once", async () => {
    const client = await mcpc();
    expect(client.mcpcEnabled).toBe(true);
    const seen: McpcListenerMessage[] = [];
    client.on((message) => seen.push(message));
    const task = await client.callTool("count", { n: 25 });
    expect(task.mode).toBe("background");
    const events = await collect(task);
    expect(events.map((e) => e.event)).toEqual(["created", ...Array<string>(25).fill("update"), "complete"]);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
    expect(events.at(-1)?.result).toEqual({ counted: 25 });
    expect(task.missed).toBe(0);
    expect(seen.filter((m) => m.type === "task" && m.task_id === task.taskId)).toEqual(events);
  });

  it("our client keeps 50 concurrent tasks of one session apart: each gets all its events and only its own", async () => {
    const client = await mcpc();
    const handles = await Promise.all(Array.from({ length: 50 }, (_, i) => client.callTool("count", { n: 10 + (i % 7), delayMs: 1 })));
    const all = await Promise.all(handles.map(collect));
    all.forEach((events, i) => {
      const n = 10 + (i % 7);
      expect(events.every((e) => e.task_id === handles[i]?.taskId)).toBe(true);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: n + 2 }, (_, k) => k + 1));
      expect(events.at(-1)).toMatchObject({ event: "complete", result: { counted: n } });
      expect(handles[i]?.missed).toBe(0);
    });
    expect((await client.list()).filter((t) => t.status === "completed")).toHaveLength(50);
  });

  it("our client's stop() ends a running task with one cancelled event, after its finally block ran", async () => {
    const client = await mcpc();
    const task = await client.callTool("watch");
    const iterator = task.events();
    expect((await iterator.next()).value?.event).toBe("created");
    expect((await iterator.next()).value?.event).toBe("update");
    const outcome = await task.stop();
    expect(outcome).toMatchObject({ stopped: true, task: { status: "cancelled" } });
    const rest: TaskHandleEvent[] = [];
    for await (const event of iterator) rest.push(event);
    expect(rest.filter((e) => e.event === "cancelled")).toHaveLength(1);
    expect(rest.at(-1)?.event).toBe("cancelled");
    const finalized = await client.callTool("finalized");
    expect((await finalized.value()) as { finalized: string[] }).toMatchObject({ finalized: expect.arrayContaining([task.taskId]) });
    expect((await client.stop(task.taskId)).stopped).toBe(false);
  });

  it("our client sees a throwing tool end with one failed event carrying its message", async () => {
    const client = await mcpc();
    const task = await client.callTool("boom", { message: "the disk is full" });
    const events = await collect(task);
    expect(events.map((e) => e.event)).toEqual(["created", "update", "failed"]);
    expect(events.at(-1)?.result).toBe("the disk is full");
    expect(await client.check(task.taskId)).toMatchObject({ status: "failed", error: "the disk is full" });
    await expect(task.value()).rejects.toBeInstanceOf(McpcError);
  });

  it("a plain SDK client gets a background tool's final result, with one progress notification per update", async () => {
    const client = await plain();
    const progress: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = await client.callTool({ name: "count", arguments: { n: 30 } }, undefined, { onprogress: (p) => progress.push(p) });
    expect(result.structuredContent).toEqual({ counted: 30 });
    expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => ({ progress: i + 1, total: 30, message: `item ${i + 1}` })));
  });

  it("keeps a plain client's silent call alive with progress heartbeats, so a time-out that resets on progress never fires", async () => {
    const client = await plain();
    const beats: number[] = [];
    // The fixture's heartbeat is 200 ms; the task is silent for 900 ms; the client gives up after 500 ms without progress.
    const result = await client.callTool({ name: "silent", arguments: { ms: 900 } }, undefined, {
      timeout: 500,
      resetTimeoutOnProgress: true,
      onprogress: (p) => beats.push(p.progress),
    });
    expect(result.content).toEqual([{ type: "text", text: "done" }]);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(new Set(beats).size).toBe(beats.length);
    expect(beats).toEqual([...beats].sort((x, y) => x - y));
  });

  it("a plain SDK client gets a throwing background tool as an isError result with its message", async () => {
    const client = await plain();
    const result = await client.callTool({ name: "boom", arguments: { message: "quota exceeded" } });
    expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: "quota exceeded" }] });
  });

  it("answers an unknown tool, an invalid argument and an unknown task id with errors that name them, and keeps serving", async () => {
    const client = await mcpc();
    await expect(client.callTool("no_such_tool")).rejects.toThrow(/Unknown tool "no_such_tool"\. This server's tools are: count, watch/);
    const invalid = await client.sdk.callTool({ name: "add", arguments: { a: 1, b: "two" } });
    expect(invalid.isError).toBe(true);
    expect(JSON.stringify(invalid.content)).toMatch(/Invalid arguments for tool \\"add\\": b: .*expected number/);
    await expect(client.check("no-such-task")).rejects.toMatchObject({ code: "UNKNOWN_TASK", message: expect.stringContaining('"no-such-task"') });
    await expect(client.stop("no-such-task")).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    expect(await (await client.callTool("add", { a: 1, b: 1 })).value()).toBe("2");
    const sdk = await plain();
    const alsoInvalid = await sdk.callTool({ name: "count", arguments: { n: -1 } });
    expect(alsoInvalid.isError).toBe(true);
    expect(JSON.stringify(alsoInvalid.content)).toMatch(/Invalid arguments for tool \\"count\\": n:/);
  });
}
