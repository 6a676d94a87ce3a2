/**
 * Our client against a Python mcpc 0.2.x server: a stand-in that writes exactly
 * the recorded lines of fixtures/pythonServerTranscript.json.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "vitest";
import { McpcClient, type McpcListenerMessage, type TaskHandleEvent } from "../../src/client/index.js";
import { fixture, packageRoot, tsxArgs } from "./harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function standIn(speaks: string): { transport: StdioClientTransport; received: () => Array<Record<string, unknown>> } {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...tsxArgs(fixture("pythonServerStandIn.ts")), "--speaks", speaks],
    cwd: packageRoot,
    stderr: "pipe",
    env: { ...process.env, NODE_OPTIONS: "" } as Record<string, string>,
  });
  let err = "";
  transport.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const received = () =>
    err
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { transport, received };
}

async function connect(speaks: string, options?: { legacy?: boolean }) {
  const { transport, received } = standIn(speaks);
  const sdk = new Client({ name: "py-compat", version: "1.0.0" });
  const errors: Error[] = [];
  sdk.onerror = (error) => errors.push(error);
  const client = new McpcClient(sdk, options);
  cleanups.push(() => client.close());
  return { client, sdk, transport, received, errors };
}

type ToolCall = { name: string; arguments: Record<string, unknown> };

/**
 * The tools/call requests the stand-in logged, once its process_data call is among
 * them: the log travels on stderr, which may arrive after the answers on stdout.
 */
async function toolCalls(received: () => Array<Record<string, unknown>>): Promise<ToolCall[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const calls = received().filter((m) => m.method === "tools/call").map((m) => m.params as ToolCall);
    if (calls.some((c) => c.name === "process_data") || Date.now() > deadline) return calls;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("our client against a Python mcpc server (0.2.5–0.2.6, _mcpc_init)", () => {
  it("negotiates the legacy dialect, tags with mcpc_params, and delivers every callback to the handle and the listeners in order", async () => {
    const { client, transport, received, errors } = await connect("_mcpc_init");
    const heard: McpcListenerMessage[] = [];
    client.on((message) => heard.push(message));
    await client.connect(transport);
    expect(client.dialect).toBe("legacy");
    expect(client.mcpcEnabled).toBe(true);
    expect(client.protocolVersion).toBe("0.2.6");

    const task = await client.callTool("process_data", { data_id: "data-1" }, { taskId: "task-py" });
    const events: TaskHandleEvent[] = [];
    for await (const event of task.events()) events.push(event);
    // The stand-in lets an update overtake created, as the Python server does: the handle still starts at created.
    expect(events.map((e) => e.event)).toEqual(["created", "update", "update", "update", "complete"]);
    expect(events[2]?.result).toEqual({ status: "Processing step 1/2", progress: 50 });
    expect(events.at(-1)?.result).toEqual({ status: "Complete", data_id: "data-1", summary: "Processing completed successfully" });
    expect(events.every((e) => e.seq === undefined && e.task_id === "task-py")).toBe(true);
    expect(await task.value()).toMatchObject({ data_id: "data-1" });

    const serverEvent = heard.find((m) => m.type === "server_event");
    expect(serverEvent).toMatchObject({ event: "notification", task_id: null, result: { topic: "user_updates" } });
    expect(heard.filter((m) => m.type === "task")).toEqual(events);

    const sent = await toolCalls(received);
    expect(sent[0]).toEqual({ name: "_mcpc_init", arguments: { mcpc_info: { mcpc_enabled: true, mcpc_version: expect.any(String), mcpc_provider: expect.any(String) } } });
    const call = sent.find((c) => c.name === "process_data");
    expect(call?.arguments).toEqual({ data_id: "data-1", mcpc_params: { session_id: expect.any(String), task_id: "task-py" } });
    // The SDK never saw a MCPC_CALLBACK line (it would report an unknown response id).
    expect(errors).toEqual([]);
  });

  it("ends a failing task at its failed callback, and says the dialect has no task requests", async () => {
    const { client, transport } = await connect("_mcpc_init");
    await client.connect(transport);
    const task = await client.callTool("fail_data");
    expect((await task.result()).event).toBe("failed");
    await expect(task.value()).rejects.toMatchObject({ code: "TASK_FAILED", message: expect.stringContaining("Error: disk full") });
    await expect(client.check(task.taskId)).rejects.toMatchObject({ code: "INVALID_STATE", message: expect.stringContaining("legacy") });
  });
});

describe("our client against older Python servers", () => {
  it.each([
    ["_is_mcpc_enabled", "0.2.4", ["_mcpc_init", "_is_mcpc_enabled"]],
    ["is_mcpc_enabled", "0.2.2", ["_mcpc_init", "_is_mcpc_enabled", "is_mcpc_enabled"]],
  ])("tries the handshakes newest first until %s answers, then tags with _metadata", async (speaks, version, tried) => {
    const { client, transport, received } = await connect(speaks);
    await client.connect(transport);
    expect(client.protocolVersion).toBe(version);
    const task = await client.callTool("process_data", { data_id: "d" });
    expect((await task.result()).event).toBe("complete");
    const sent = await toolCalls(received);
    expect(sent.map((c) => c.name)).toEqual([...tried, "process_data"]);
    expect(sent.at(-1)?.arguments).toEqual({ data_id: "d", _metadata: { mcpc_session_id: expect.any(String), mcpc_task_id: task.taskId } });
  });
});

describe("the Python handler's names (the migration path)", () => {
  it("wrapStreams, initMcpc / checkMcpcSupport, addEventListener, addMetadata and protocolVersion work as in Python", async () => {
    const { client, sdk, transport, received, errors } = await connect("is_mcpc_enabled", { legacy: false });
    const heard: McpcListenerMessage[] = [];
    client.addEventListener((message) => heard.push(message));
    await sdk.connect(client.wrapStreams(transport));
    expect(client.protocolVersion).toBeUndefined();
    expect(await client.checkMcpcSupport()).toBe(true);
    expect(await client.initMcpc()).toBe(true);
    expect(client.protocolVersion).toBe("0.2.2");

    const args = client.addMetadata({ data_id: "data-1" }, "sess-1");
    expect(args).toEqual({ data_id: "data-1", _metadata: { mcpc_session_id: "sess-1", mcpc_task_id: expect.any(String) } });
    const done = new Promise<void>((resolve) => client.addEventListener((m) => m.event === "complete" && resolve()));
    await sdk.callTool({ name: "process_data", arguments: args });
    await done;
    const taskId = (args._metadata as { mcpc_task_id: string }).mcpc_task_id;
    expect(heard.filter((m) => m.type === "task").map((m) => [m.event, m.task_id, m.session_id])).toEqual(
      ["update", "created", "update", "update", "complete"].map((event) => [event, taskId, "sess-1"]),
    );
    expect((await toolCalls(received)).at(-1)?.arguments).toEqual(args);
    expect(errors).toEqual([]);
  });
});
