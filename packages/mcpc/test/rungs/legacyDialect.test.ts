import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcClient } from "../../src/client/index.js";
import { McpcServer, Tool, type TaskContext } from "../../src/index.js";
import { waitFor } from "../support/async.js";
import { RawMemoryClient, firstText, type Wire } from "../support/rawMemoryClient.js";

class Tools extends McpcServer {
  @Tool({ description: "Counts to n", input: z.object({ n: z.number().int() }), background: true })
  async *count({ n }: { n: number }, _task: TaskContext) {
    for (let i = 1; i <= n; i++) yield i;
    return { counted: n };
  }

  @Tool({ description: "Runs until stopped", background: true })
  async *watch(_args: object, task: TaskContext) {
    for (;;) {
      yield "tick";
      await task.sleep(10);
    }
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function serve(options: { tasks?: { stopGraceMs: number } } = {}): Tools {
  const server = new Tools({ name: "in-memory", version: "1.0.0", ...options });
  cleanups.push(() => server.close());
  return server;
}

async function legacyClient(server: Tools) {
  const opened = await RawMemoryClient.open((t) => server.connect(t));
  cleanups.push(() => opened.raw.close());
  return opened;
}

const INIT = { name: "_mcpc_init", arguments: { mcpc_info: { mcpc_enabled: true, mcpc_version: "0.2.6", mcpc_provider: "py" } } };
const tagged = (name: string, args: Record<string, unknown>, taskId: unknown, sessionId: unknown = "py-sess") => ({
  name,
  arguments: { ...args, mcpc_params: { session_id: sessionId, task_id: taskId } },
});
const errorOf = (answer: Wire) => answer.error as { code: number; message: string; data?: { mcpcCode?: string } } | undefined;

/** Records every message a transport delivers to the client above it. */
function tap(transport: InMemoryTransport): JSONRPCMessage[] {
  const seen: JSONRPCMessage[] = [];
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    seen.push(message);
    deliver?.(message, extra);
  };
  return seen;
}

describe("mixed sessions on one server", () => {
  it("serves a native, a legacy and a plain client at once, each only in its own dialect", async () => {
    const server = serve();
    // Native: our client.
    const [nativeSide, nativeServer] = InMemoryTransport.createLinkedPair();
    await server.connect(nativeServer);
    const native = new McpcClient(new Client({ name: "native", version: "1.0.0" }), { legacy: false });
    await native.connect(nativeSide);
    const nativeSeen = tap(nativeSide);
    cleanups.push(() => native.close());
    // Plain: the SDK client.
    const [plainSide, plainServer] = InMemoryTransport.createLinkedPair();
    await server.connect(plainServer);
    const plain = new Client({ name: "plain", version: "1.0.0" });
    await plain.connect(plainSide);
    const plainSeen = tap(plainSide);
    cleanups.push(() => plain.close());
    // Legacy: a Python client's lines.
    const { raw: legacy } = await legacyClient(server);
    expect((firstText(await legacy.request("tools/call", INIT)) as { mcpc_enabled: boolean }).mcpc_enabled).toBe(true);

    const [nativeTask, legacyCreated, plainAnswer] = await Promise.all([
      native.callTool("count", { n: 3 }),
      legacy.request("tools/call", tagged("count", { n: 3 }, "legacy-1")),
      plain.callTool({ name: "count", arguments: { n: 3 } }),
    ]);
    expect(firstText(legacyCreated)).toMatchObject({ event: "created", task_id: "legacy-1", session_id: "py-sess" });
    expect(plainAnswer.structuredContent).toEqual({ counted: 3 });
    expect((await nativeTask.result()).seq).toBe(5);
    await legacy.waitForCallback((m) => m.event === "complete", "the legacy complete");

    // Three sessions reached: the two MCPC ones by message, the plain one through its mcpc://events resource.
    expect(server.emit("alert", { level: "high" })).toBe(3);
    await legacy.waitForCallback((m) => m.type === "server_event", "the legacy server event");
    await waitFor(() => nativeSeen.some((m) => "method" in m && m.method === "notifications/mcpc" && (m.params as Wire).type === "server_event"), "the native server event");

    const nativeWire = JSON.stringify(nativeSeen);
    expect(nativeWire).not.toContain("MCPC_CALLBACK");
    const legacyWire = JSON.stringify(legacy.received);
    expect(legacyWire).not.toContain("notifications/mcpc");
    expect(legacy.callbacks().map((m) => `${m.type}:${m.event}`)).toEqual(["task:update", "task:update", "task:update", "task:complete", "server_event:alert"]);
    const plainWire = JSON.stringify(plainSeen);
    expect(plainWire).not.toContain("MCPC_CALLBACK");
    expect(plainWire).not.toContain("notifications/mcpc");
  });
});

describe("bad legacy input gets a clear error and nothing crashes", () => {
  it("refuses a handshake with wrong types with an isError answer, and the session does not switch", async () => {
    const server = serve();
    const { raw } = await legacyClient(server);
    const notObject = await raw.request("tools/call", { name: "_mcpc_init", arguments: { mcpc_info: "yes" } });
    expect(notObject.result).toMatchObject({ isError: true });
    expect(firstText(notObject)).toMatch(/MCPC handshake refused: _mcpc_init takes \{ "mcpc_info": .*mcpc_info is string "yes"/);
    const wrongField = await raw.request("tools/call", { name: "_is_mcpc_enabled", arguments: { mcpc_info: { mcpc_enabled: "true" } } });
    expect(firstText(wrongField)).toMatch(/mcpc_info\.mcpc_enabled must be a boolean, got string "true"/);
    // Still a plain session: a tagged call is answered synchronously, and no callback is ever sent.
    const answer = await raw.request("tools/call", tagged("count", { n: 2 }, "t-1"));
    expect((answer.result as Wire).structuredContent).toEqual({ counted: 2 });
    expect(raw.received.some((m) => m.id === "MCPC_CALLBACK")).toBe(false);
  });

  it("answers a tag with a numeric task id, or a tag that is not an object, with -32602 naming the field", async () => {
    const server = serve();
    const { raw } = await legacyClient(server);
    await raw.request("tools/call", INIT);
    const numeric = errorOf(await raw.request("tools/call", tagged("count", { n: 1 }, 42)));
    expect(numeric).toMatchObject({ code: -32602, message: expect.stringMatching(/mcpc_params\.task_id must be a non-empty string .*got number 42/) });
    const notObject = errorOf(await raw.request("tools/call", { name: "count", arguments: { n: 1, _metadata: "x" } }));
    expect(notObject).toMatchObject({ code: -32602, message: expect.stringContaining('The call tag "_metadata" must be an object') });
    expect(firstText(await raw.request("tools/call", tagged("count", { n: 1 }, "after")))).toMatchObject({ event: "created", task_id: "after" });
  });

  it("refuses a duplicate task id in one session", async () => {
    const server = serve();
    const { raw } = await legacyClient(server);
    await raw.request("tools/call", INIT);
    expect(firstText(await raw.request("tools/call", tagged("watch", {}, "dup")))).toMatchObject({ event: "created", task_id: "dup" });
    const again = errorOf(await raw.request("tools/call", tagged("count", { n: 1 }, "dup")));
    expect(again).toMatchObject({ code: -32602, message: expect.stringContaining('Task id "dup" is already used in this session'), data: { mcpcCode: "DUPLICATE_TASK" } });
  });

  it("refuses a tag naming another connection's session, and serves that connection's own tag", async () => {
    const server = serve();
    const { sessionId: first } = await legacyClient(server);
    const { raw: second, sessionId: own } = await legacyClient(server);
    await second.request("tools/call", INIT);
    const foreign = errorOf(await second.request("tools/call", tagged("count", { n: 1 }, "x-1", first)));
    expect(foreign).toMatchObject({ code: -32602, message: expect.stringContaining(`names session "${first}", which is another connection`) });
    const created = firstText(await second.request("tools/call", tagged("count", { n: 1 }, "x-2", own)));
    expect(created).toMatchObject({ event: "created", session_id: own, task_id: "x-2" });
  });

  it("ends a task stopped by shutdown with failed, saying it was stopped", async () => {
    const server = serve({ tasks: { stopGraceMs: 1_000 } });
    const { raw } = await legacyClient(server);
    await raw.request("tools/call", INIT);
    await raw.request("tools/call", tagged("watch", {}, "w-1"));
    await raw.waitForCallback((m) => m.event === "update", "a first update");
    await server.close();
    const terminal = raw.callbacks().filter((m) => m.event !== "update");
    expect(terminal).toEqual([expect.objectContaining({ event: "failed", task_id: "w-1", result: "Task was stopped before it finished: Server shutting down." })]);
  });
});

describe("where the legacy dialect cannot travel", () => {
  it("declines the handshake over Streamable HTTP with mcpc_enabled: false, and the session stays plain", async () => {
    const server = serve();
    const opened = await RawMemoryClient.open(async (t) => (await server.runtime.connect(t, { transportKind: "streamable-http" })).id);
    cleanups.push(() => opened.raw.close());
    expect(firstText(await opened.raw.request("tools/call", INIT))).toEqual({ mcpc_enabled: false, mcpc_version: expect.any(String), mcpc_provider: "in-memory" });
    const answer = await opened.raw.request("tools/call", tagged("count", { n: 1 }, "h-1"));
    expect((answer.result as Wire).structuredContent).toEqual({ counted: 1 });
  });
});
