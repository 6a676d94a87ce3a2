import { afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { McpcClient, type TaskHandle, type TaskHandleEvent } from "../../src/client/index.js";
import { fixture, packageRoot, tsxArgs } from "../e2e/harness.js";

/** A plain SDK server with the SDK's own task runtime: no MCPC at all. */
const SERVER = fixture("sdkTaskServer.ts");

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const serverProcess = () =>
  new StdioClientTransport({
    command: process.execPath,
    args: tsxArgs(SERVER),
    cwd: packageRoot,
    stderr: "pipe",
    env: { ...process.env, NODE_OPTIONS: "" } as Record<string, string>,
  });

/** Our client over stdio to the fixture, as a child process under tsx. */
async function connect(sdk: Client = new Client({ name: "mcp-task-test", version: "1.0.0" })): Promise<McpcClient> {
  const client = new McpcClient(sdk);
  await client.connect(serverProcess());
  closers.push(() => client.close());
  return client;
}

async function collect(handle: TaskHandle): Promise<TaskHandleEvent[]> {
  const events: TaskHandleEvent[] = [];
  for await (const event of handle.events()) events.push(event);
  return events;
}

/** Ref'd timers of this process (unref'd ones keep nothing alive and are not listed). */
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

describe("McpcClient against a server that speaks MCP tasks (SEP-1686) but not MCPC", () => {
  it("runs a tool listed with taskSupport as an MCP task: created with the server's id, each progress once, a status-only message, then the tool's result", async () => {
    const sdk = new Client({ name: "mcp-task-test", version: "1.0.0" });
    const errors: Error[] = [];
    sdk.onerror = (error) => errors.push(error); // e.g. "progress notification for an unknown token"
    const client = await connect(sdk);
    expect(client.dialect).toBe("plain");
    const task = await client.callTool("count", { steps: 3 });
    expect(task.mode).toBe("mcp-task");
    expect(task.taskId).toMatch(/^[0-9a-f]{32}$/); // the SDK store's id, not one of ours
    const events = await collect(task);
    expect(events.map((event) => [event.event, event.result])).toEqual([
      ["created", expect.objectContaining({ taskId: task.taskId, status: "working", pollInterval: 50 })],
      ["update", { progress: 1, total: 3, message: "step 1/3" }],
      ["update", { progress: 2, total: 3, message: "step 2/3" }],
      ["update", { progress: 3, total: 3, message: "step 3/3" }],
      ["update", { status: "working", message: "writing the report" }],
      ["complete", { counted: 3 }],
    ]);
    expect(events.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(events.map((event) => event.task_id))).toEqual(new Set([task.taskId]));
    expect(await task.value()).toEqual({ counted: 3 });
    expect(errors).toEqual([]);
  });

  it("reports a status message only a tasks/get poll can see", async () => {
    const client = await connect();
    const events = await collect(await client.callTool("quiet"));
    expect(events.map((event) => [event.event, event.result])).toEqual([
      ["created", expect.objectContaining({ status: "working" })],
      ["update", { status: "working", message: "halfway" }],
      ["complete", "done quietly"],
    ]);
  });

  it("ends a failing tool's task failed, with the text of its isError result", async () => {
    const client = await connect();
    const task = await client.callTool("fail", { reason: "disk full" });
    const events = await collect(task);
    expect(events.map((event) => [event.event, event.result])).toEqual([
      ["created", expect.objectContaining({ status: "working" })],
      ["update", { progress: 1, message: "trying" }],
      ["failed", "disk full"],
    ]);
    await expect(task.value()).rejects.toMatchObject({ code: "TASK_FAILED", message: expect.stringContaining("disk full") });
  });

  it("stop() sends tasks/cancel and the handle ends cancelled; check and list see the task", async () => {
    const sdk = new Client({ name: "mcp-task-test", version: "1.0.0" });
    const errors: Error[] = [];
    sdk.onerror = (error) => errors.push(error);
    const client = await connect(sdk);
    const task = await client.callTool("forever");
    expect(task.mode).toBe("mcp-task");
    const events = task.events();
    expect((await events.next()).value?.event).toBe("created");
    expect((await events.next()).value).toMatchObject({ event: "update", result: { progress: 1, message: "tick 1" } });
    expect(await client.check(task.taskId)).toMatchObject({ task_id: task.taskId, tool_name: "forever", status: "working" });

    const outcome = await task.stop();
    expect(outcome).toMatchObject({ stopped: true, task: { task_id: task.taskId, status: "cancelled" } });
    expect(await task.result()).toMatchObject({ event: "cancelled", task_id: task.taskId });
    const rest: TaskHandleEvent[] = [];
    for await (const event of events) rest.push(event);
    expect(rest.at(-1)?.event).toBe("cancelled");
    expect(rest.slice(0, -1).every((event) => event.event === "update")).toBe(true);

    expect(await client.check(task.taskId)).toMatchObject({ status: "cancelled", tool_name: "forever" });
    expect(await client.stop(task.taskId)).toMatchObject({ stopped: false, task: { status: "cancelled" } });
    expect((await client.list()).find((listed) => listed.task_id === task.taskId)).toMatchObject({ tool_name: "forever", status: "cancelled" });
    await expect(client.check("no-such-task")).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    // Ticks the server sent after the cancel (the SDK runtime's cancel does not stop the work) are dropped quietly.
    expect(errors).toEqual([]);
  });

  it("answers the server's question during the task with the SDK client's own elicitation handler (through tasks/result)", async () => {
    const sdk = new Client({ name: "mcp-task-test", version: "1.0.0" }, { capabilities: { elicitation: { form: {} } } });
    const asked: string[] = [];
    sdk.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params.message);
      return { action: "accept", content: { name: "Ada" } };
    });
    const client = await connect(sdk);
    const events = await collect(await client.callTool("ask"));
    expect(asked).toEqual(["Who is asking?"]);
    expect(events.map((event) => [event.event, event.result])).toEqual([
      ["created", expect.objectContaining({ status: "working" })],
      ["update", { status: "input_required" }],
      ["update", { status: "working", message: "got an answer" }],
      ["complete", "hello Ada"],
    ]);
  });

  it("keeps ordinary tools synchronous, and makes a plain call of an optional task tool when asked to (mcpTask: false)", async () => {
    const client = await connect();
    const sum = await client.callTool("add", { a: 2, b: 3 });
    expect(await sum.value()).toBe("5");
    expect(sum.mode).toBe("sync");
    const plain = await client.callTool("count", { steps: 2, stepMs: 1 }, { mcpTask: false });
    expect(await plain.value()).toEqual({ counted: 2 });
    expect(plain.mode).toBe("sync");
  });

  it("works when the SDK client was connected without wrapStreams: progress from the SDK, status from polling", async () => {
    const sdk = new Client({ name: "mcp-task-test", version: "1.0.0" });
    const client = new McpcClient(sdk, { legacy: false });
    await sdk.connect(serverProcess());
    closers.push(() => client.close());
    const task = await client.callTool("count", { steps: 3 });
    expect(task.mode).toBe("mcp-task");
    const events = await collect(task);
    expect(events[0]).toMatchObject({ event: "created", result: { taskId: task.taskId } });
    expect(events.filter((event) => event.event === "update" && typeof (event.result as { progress?: unknown }).progress === "number").map((event) => event.result)).toEqual([
      { progress: 1, total: 3, message: "step 1/3" },
      { progress: 2, total: 3, message: "step 2/3" },
      { progress: 3, total: 3, message: "step 3/3" },
    ]);
    expect(events.at(-1)).toMatchObject({ event: "complete", result: { counted: 3 } });
  });

  it("leaves no timer once the handle has ended", async () => {
    const client = await connect();
    const baseline = timers();
    const task = await client.callTool("count", { steps: 2 });
    expect(timers()).toBeGreaterThan(baseline); // the poll timer
    await task.result();
    expect(timers()).toBe(baseline);
  });

  it("closing the client stops the poll loop: no timer is left and the handle's result() rejects", async () => {
    const client = await connect();
    const baseline = timers();
    const task = await client.callTool("forever");
    const events = task.events();
    await events.next(); // created
    await events.next(); // the first tick
    expect(timers()).toBeGreaterThan(baseline); // the poll timer (or a tasks/get's time-out)
    await client.close();
    await expect(task.result()).rejects.toThrow(/connection closed before task/);
    expect(timers()).toBe(baseline);
  });
});
