import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { CallToolResultSchema, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { McpcClient, type TaskHandle, type TaskHandleEvent } from "mcpc/client";
import { BIN, startCli, stopAll, tempFolder } from "./cliHarness.js";
import { writeWatchServer } from "./watchFixture.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAll();
});
beforeAll(() => expect(existsSync(BIN), `build the bin first: ${BIN}`).toBe(true));

/** Conditions over things that arrive (stderr, notifications): each arrival re-checks the waiters. No sleeps. */
class Arrivals {
  readonly #waiters = new Set<() => boolean>();

  /** Something arrived. */
  poke(): void {
    for (const waiter of [...this.#waiters]) if (waiter()) this.#waiters.delete(waiter);
  }

  /** Resolves once `condition` holds; fails after 20 s naming `what`, with `context()` to show what did arrive. */
  until(condition: () => boolean, what: string, context: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; so far:\n${context()}`));
      }, 20_000);
      const check = () => {
        if (!condition()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      if (!check()) this.#waiters.add(check);
    });
  }
}

function text(result: unknown): string {
  return (result as { content: { text: string }[] }).content[0]?.text ?? "";
}

/** A watched folder with the server file, and a state folder outside it (markers, release files). */
function project(options: Parameters<typeof writeWatchServer>[3] = {}): { file: string; state: string } {
  const source = tempFolder();
  const state = tempFolder();
  cleanups.push(source.remove, state.remove);
  mkdirSync(join(source.dir, "src"));
  const file = join(source.dir, "src", "server.ts");
  writeWatchServer(file, "v1", state.dir, options);
  return { file, state: state.dir };
}

/** Every event of a handle, collected as they come. */
function collect(handle: TaskHandle, onEvent: () => void): TaskHandleEvent[] {
  const events: TaskHandleEvent[] = [];
  void (async () => {
    for await (const event of handle.events()) {
      events.push(event);
      onEvent();
    }
  })();
  return events;
}

describe("mcpc serve --watch on stdio", () => {
  it("keeps one session across three saves: new tools listed and announced, old tasks finish on old code, new calls run new code, a broken save changes nothing", async () => {
    const { file, state } = project();
    const arrivals = new Arrivals();
    let stderr = "";
    let listChanged = 0;
    let sessionClosed = false;

    const sdk = new Client({ name: "test", version: "1.0.0" });
    sdk.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanged++;
      arrivals.poke();
    });
    sdk.onclose = () => (sessionClosed = true);
    const client = new McpcClient(sdk);
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, "serve", file, "--watch"], stderr: "pipe" });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      arrivals.poke();
    });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const context = () => stderr;
    const toolNames = async () => (await sdk.listTools()).tools.map((tool) => tool.name).sort();
    const version = async () => text(await sdk.callTool({ name: "version", arguments: {} }));
    /** A plain call with progress: the server's ping barrier is a server-to-client request through the runner. */
    const plainSlow = async () => text(await sdk.callTool({ name: "slow", arguments: { steps: 3 } }, undefined, { onprogress: () => undefined }));
    const markers = () => readdirSync(state).filter((name) => !name.startsWith("release-"));
    /** Saves a version and waits until the host was told its tools changed. */
    const save = async (next: string) => {
      const announced = listChanged;
      writeWatchServer(file, next, state);
      await arrivals.until(() => listChanged > announced, `list_changed after saving ${next}`, context);
      expect(listChanged).toBe(announced + 1);
    };

    expect(await toolNames()).toEqual(["only_v1", "slow", "version"]);
    expect(await plainSlow()).toBe("v1");

    // Two native background tasks on v1: one to finish after the saves, one to stop after the first.
    const finishing = await client.callTool("slow", { key: "finishing" });
    const stopping = await client.callTool("slow", { key: "never" });
    const finishingEvents = collect(finishing, () => arrivals.poke());
    await arrivals.until(() => finishingEvents.length >= 2, "the first update of the finishing task", context);

    // Save 1.
    await save("v2");
    expect(await toolNames()).toEqual(["only_v2", "slow", "version"]);
    expect(await version()).toBe("v2");
    expect(await plainSlow()).toBe("v2");

    // Stopping a task of the old code after the save: it ends cancelled there, its finally ran on v1.
    const stopped = await stopping.stop();
    expect(stopped).toMatchObject({ stopped: true, task: { status: "cancelled" } });
    await expect(stopping.value()).rejects.toThrow(/cancelled/);
    expect(markers()).toContain(`${stopping.taskId}.v1`);

    // An MCP task (the SDK's experimental tasks API) started on v2, to finish after the next saves.
    const stream = sdk.experimental.tasks.callToolStream({ name: "slow", arguments: { key: "mcp" } }, CallToolResultSchema, { task: { ttl: 60_000 } });
    const first = await stream.next();
    const mcpTaskId = first.value?.type === "taskCreated" ? first.value.task.taskId : "";
    expect(mcpTaskId).not.toBe("");

    // Task lists span the generations alive, oldest first (v1's, then v2's), paged by the runner's cursors. The plain
    // calls above ran as tasks too, but this session is native (no job handles): their records went when they answered.
    const ours = (ids: string[]) => ids.filter((id) => [finishing.taskId, stopping.taskId, mcpTaskId].includes(id));
    const native = (await client.list()).map((task) => task.task_id);
    expect(native).toHaveLength(3);
    expect(ours(native)).toEqual([finishing.taskId, stopping.taskId, mcpTaskId]);
    const firstPage = await sdk.experimental.tasks.listTasks();
    expect(firstPage.nextCursor).toBeDefined();
    const secondPage = await sdk.experimental.tasks.listTasks(firstPage.nextCursor);
    expect(ours([...firstPage.tasks, ...secondPage.tasks].map((task) => task.taskId))).toEqual([finishing.taskId, stopping.taskId, mcpTaskId]);
    expect(secondPage.nextCursor).toBeUndefined();

    // The v1 task finishes on v1 with every event, in order, after the save.
    writeFileSync(join(state, "release-finishing"), "");
    expect(await finishing.value()).toBe("v1");
    expect(markers()).toContain(`${finishing.taskId}.v1`);
    await arrivals.until(() => finishing.done && finishingEvents.at(-1)?.event === "complete", "the reader to see complete", context);
    expect(finishingEvents[0]?.event).toBe("created");
    expect(finishingEvents.map((event) => event.seq)).toEqual(finishingEvents.map((_event, index) => index + 1));
    expect(finishing.missed).toBe(0);
    // Version 1 has nothing left to run: the runner closes it.
    await arrivals.until(() => /version 1 has no task left; closed it/.test(stderr), "version 1 to close", context);

    // A save with a syntax error: reported on stderr, v2 keeps serving, nothing announced.
    const announced = listChanged;
    writeWatchServer(file, "v3", state, { broken: true });
    await arrivals.until(() => /could not load [\s\S]*server\.ts[\s\S]*still serving the previous version/.test(stderr), "the load error", context);
    expect(await version()).toBe("v2");
    expect(listChanged).toBe(announced);

    // Save 2 (the fix).
    await save("v3");
    expect(await toolNames()).toEqual(["only_v3", "slow", "version"]);
    expect(await version()).toBe("v3");

    // The MCP task started on v2 finishes there: tasks/get and tasks/result went to v2.
    writeFileSync(join(state, "release-mcp"), "");
    let mcpResult = "";
    for await (const message of stream) {
      if (message.type === "result") mcpResult = text(message.result);
      if (message.type === "error") throw message.error;
    }
    expect(mcpResult).toBe("v2");
    expect(markers()).toContain(`${mcpTaskId}.v2`);
    // Its outcome read (tasks/result), version 2 has nothing left for the host: closed too.
    await arrivals.until(() => /version 2 has no task left; closed it/.test(stderr), "version 2 to close", context);

    // Save 3.
    await save("v4");
    expect(await toolNames()).toEqual(["only_v4", "slow", "version"]);
    expect(await version()).toBe("v4");
    expect(await (await client.callTool("slow", { steps: 2 })).value()).toBe("v4");

    // One session all along.
    expect(sessionClosed).toBe(false);
    expect(listChanged).toBe(3);
  });

  it("writes nothing but JSON-RPC to stdout while a server file that prints reloads, fails to load and reloads again", async () => {
    const { file, state } = project({ noisy: true });
    const runner = startCli(["serve", file, "--watch"]);
    const send = (message: object) => runner.child.stdin?.write(`${JSON.stringify(message)}\n`);
    const answered = (id: number) => runner.waitFor(new RegExp(`"id":${id}[,}]`), "stdout");
    const count = (pattern: RegExp) => (runner.stdout.match(pattern) ?? []).length;
    await runner.waitFor(/watching for changes/);

    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: { experimental: { mcpc: { version: "1.0" } } }, clientInfo: { name: "raw", version: "1.0.0" } } });
    await answered(1);
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "version", arguments: {} } });
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "slow", arguments: { key: "raw" }, _meta: { "mcpc/task": { task_id: "raw-task" } } } });
    await answered(2);
    await answered(3);

    writeWatchServer(file, "v2", state, { noisy: true });
    await runner.waitFor(/tools\/list_changed/, "stdout");
    send({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "version", arguments: {} } });
    await answered(4);

    writeWatchServer(file, "v3", state, { noisy: true, broken: true });
    await runner.waitFor(/could not load/);
    writeWatchServer(file, "v3", state, { noisy: true });
    await runner.waitFor(/reloaded [^\n]*version 3/);

    // A plain call with progress: the server pings (its ping barrier) and waits for our answer, under the runner's id.
    send({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "slow", arguments: { steps: 2 }, _meta: { progressToken: "p5" } } });
    const [, pingId] = await runner.waitFor(/"method":"ping","jsonrpc":"2.0","id":(\d+)/, "stdout");
    send({ jsonrpc: "2.0", id: Number(pingId), result: {} });
    await answered(5);
    writeFileSync(join(state, "release-raw"), "");
    await runner.waitFor(/"event":"complete","session_id":"[^"]+","task_id":"raw-task"/, "stdout");

    runner.child.stdin?.end();
    expect(await runner.exited).toBe(0);

    const lines = runner.stdout.split("\n");
    expect(lines.pop()).toBe("");
    for (const line of lines) expect(JSON.parse(line), line).toMatchObject({ jsonrpc: "2.0" });
    expect(count(/tools\/list_changed/g)).toBe(2);
    const byId = (id: number) => lines.map((line) => JSON.parse(line) as { id?: unknown; result?: unknown }).find((message) => message.id === id && "result" in message);
    expect(text(byId(2)?.result)).toBe("v1");
    expect(text(byId(4)?.result)).toBe("v2");
    expect(text(byId(5)?.result)).toBe("v3");
    expect(runner.stdout).not.toMatch(/noise/);
    for (const noise of ["noise while loading v1", "noise while loading v2", "noise while loading v3", "raw noise while loading", "noise from a tool", "raw noise from a tool"]) {
      expect(runner.stderr).toContain(noise);
    }
  });

  it("holds the host's initialize while the first load fails, and answers it from the first version that loads", async () => {
    const { file, state } = project({ broken: true });
    const runner = startCli(["serve", file, "--watch"]);
    const send = (message: object) => runner.child.stdin?.write(`${JSON.stringify(message)}\n`);
    await runner.waitFor(/could not load [\s\S]*waiting for the next change[\s\S]*watching for changes/);

    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1.0.0" } } });
    writeWatchServer(file, "v2", state);
    const [line = ""] = await runner.waitFor(/.*"id":1[,}].*/, "stdout");
    expect(JSON.parse(line)).toMatchObject({ id: 1, result: { capabilities: { tools: { listChanged: true } }, serverInfo: { name: "fixture" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "version", arguments: {} } });
    const [answer = ""] = await runner.waitFor(/.*"id":2[,}].*/, "stdout");
    expect(text((JSON.parse(answer) as { result: unknown }).result)).toBe("v2");
    // No list_changed: the host never saw another version.
    expect(runner.stdout).not.toMatch(/list_changed/);
  });

  it("on SIGTERM stops the running tasks of every version (cancelled, finally blocks run) and exits 0", async () => {
    const { file, state } = project();
    const runner = startCli(["serve", file, "--watch"]);
    const send = (message: object) => runner.child.stdin?.write(`${JSON.stringify(message)}\n`);
    const call = (id: number, taskId: string) =>
      send({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "slow", arguments: { key: "never" }, _meta: { "mcpc/task": { task_id: taskId } } } });
    await runner.waitFor(/watching for changes/);
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: { experimental: { mcpc: { version: "1.0" } } }, clientInfo: { name: "raw", version: "1.0.0" } } });
    await runner.waitFor(/"id":1[,}]/, "stdout");
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    call(2, "old-task");
    await runner.waitFor(/"id":2[,}]/, "stdout");
    writeWatchServer(file, "v2", state);
    await runner.waitFor(/reloaded/);
    call(3, "new-task");
    await runner.waitFor(/"id":3[,}]/, "stdout");

    runner.child.kill("SIGTERM");
    expect(await runner.exited).toBe(0);
    expect(runner.stdout).toMatch(/"event":"cancelled","session_id":"[^"]+","task_id":"old-task"/);
    expect(runner.stdout).toMatch(/"event":"cancelled","session_id":"[^"]+","task_id":"new-task"/);
    expect(readdirSync(state).sort()).toEqual(["new-task.v2", "old-task.v1"]);
  });

  it("a job handle given before a reload still answers: task_result for it reaches the old version, which then closes", async () => {
    const { file, state } = project({ handleAfterMs: 300 });
    const arrivals = new Arrivals();
    let stderr = "";
    let listChanged = 0;
    // A plain client (no MCPC, no MCP tasks): a long call is answered with a job handle.
    const sdk = new Client({ name: "plain", version: "1.0.0" });
    sdk.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanged++;
      arrivals.poke();
    });
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, "serve", file, "--watch"], stderr: "pipe" });
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      arrivals.poke();
    });
    await sdk.connect(transport);
    cleanups.push(() => sdk.close());
    const context = () => stderr;

    const handoff = await sdk.callTool({ name: "slow", arguments: { key: "handle" } });
    const taskId = (handoff.structuredContent as { taskId?: string } | undefined)?.taskId ?? "";
    expect(taskId).not.toBe("");
    expect(handoff.structuredContent).toHaveProperty("handle");

    writeWatchServer(file, "v2", state, { handleAfterMs: 300 });
    await arrivals.until(() => listChanged === 1, "list_changed", context);
    expect(text(await sdk.callTool({ name: "version", arguments: {} }))).toBe("v2");
    const status = await sdk.callTool({ name: "task_status", arguments: { taskId } });
    expect(status.structuredContent).toMatchObject({ taskId, status: "working" });

    writeFileSync(join(state, "release-handle"), "");
    expect(text(await sdk.callTool({ name: "task_result", arguments: { taskId } }))).toBe("v1");
    expect(readdirSync(state)).toContain(`${taskId}.v1`);
    await arrivals.until(() => /version 1 has no task left; closed it/.test(stderr), "version 1 to close", context);
  });
});
