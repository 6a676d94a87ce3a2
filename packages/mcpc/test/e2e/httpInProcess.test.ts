/**
 * `serve({ transport: "http" })` in this process: what it reports, what each
 * session knows about its wire, and that close() ends everything it started.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcClient } from "../../src/client/index.js";
import { McpcServer, Tool, type TaskContext } from "../../src/index.js";
import { MemoryTaskStore, type TaskRecord, type TaskStore } from "../../src/engine/index.js";
import type { HttpServing } from "../../src/transports/http/index.js";
import { waitFor } from "../support/async.js";
import { runtimeOf } from "../support/runtime.js";
import { collect } from "./scenarios.js";

class Small extends McpcServer {
  @Tool({ description: "Logs after its call has answered, then returns", input: z.object({ n: z.number() }), background: true })
  async *chatty({ n }: { n: number }, task: TaskContext) {
    for (let i = 1; i <= n; i++) {
      yield i;
      // After a pause: by then the call has answered `created` and its POST stream is gone.
      await task.sleep(5);
      task.log.info(`step ${i}`);
    }
    return n;
  }

  @Tool({ description: "Asks the user once its call has answered", background: true })
  async *askLater(_args: object, task: TaskContext) {
    yield "about to ask";
    // After a pause: by then the call has answered `created` and its POST stream is gone.
    await task.sleep(5);
    const answer = await task.elicit("Your name?", z.object({ name: z.string() }));
    return answer.action === "accept" ? `hello ${answer.content.name}` : answer.action;
  }

  @Tool({ description: "Runs until stopped", background: true })
  async *forever(_args: object, task: TaskContext) {
    for (;;) {
      yield "tick";
      await task.sleep(10);
    }
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serveSmall(store?: TaskStore): Promise<{ server: Small; serving: HttpServing }> {
  const server = new Small({ name: "small", version: "1.0.0", ...(store && { tasks: { store } }) });
  const serving = await server.serve({ transport: "http", port: 0, handleSignals: false, exitOnClose: false });
  cleanups.push(() => serving.close());
  return { server, serving };
}

describe("serve({ transport: \"http\" }) in process", () => {
  it("reports its URLs and tells each session which wire carries it (the legacy dialect's hook)", async () => {
    const { server, serving } = await serveSmall();
    expect(serving.url).toBe(`http://127.0.0.1:${serving.port}/mcp`);
    expect(serving.sseUrl).toBe(`http://127.0.0.1:${serving.port}/sse`);
    const overHttp = new McpcClient(new Client({ name: "a", version: "1" }), { legacy: false });
    await overHttp.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
    const overSse = new McpcClient(new Client({ name: "b", version: "1" }), { legacy: false });
    await overSse.connect(new SSEClientTransport(new URL(serving.sseUrl ?? "")));
    cleanups.push(() => overHttp.close(), () => overSse.close());
    const sessions = [...runtimeOf(server).sessions.values()];
    expect(sessions.map((s) => [s.transportKind, s.supportsForgedResponses]).sort()).toEqual([
      ["sse", true],
      ["streamable-http", false],
    ]);
    // Closing our client ends its Streamable HTTP session on the server (DELETE), not only its streams.
    await overHttp.close();
    await waitFor(() => runtimeOf(server).sessions.size === 1, "the Streamable HTTP session to close");
  });

  it("sends a background task's log lines to the client after its call has answered", async () => {
    const { serving } = await serveSmall();
    const client = new McpcClient(new Client({ name: "logs", version: "1" }), { legacy: false });
    await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
    cleanups.push(() => client.close());
    const lines: unknown[] = [];
    client.sdk.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void lines.push(n.params.data));
    await client.sdk.setLoggingLevel("info");
    const task = await client.callTool("chatty", { n: 3 });
    expect((await collect(task)).at(-1)).toMatchObject({ event: "complete", result: 3 });
    await waitFor(() => lines.length === 3, "three log lines");
    expect(lines).toEqual(["step 1", "step 2", "step 3"]);
  });

  it("asks the user from a background task after its call has answered, and reads input_required meanwhile", async () => {
    const { serving } = await serveSmall();
    const sdk = new Client({ name: "asked", version: "1" }, { capabilities: { elicitation: {} } });
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    sdk.setRequestHandler(ElicitRequestSchema, async () => {
      await answered;
      return { action: "accept", content: { name: "Ada" } };
    });
    const client = new McpcClient(sdk, { legacy: false });
    await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
    cleanups.push(() => client.close());
    const task = await client.callTool("ask_later", {});
    await waitFor(async () => (await client.check(task.taskId)).status === "input_required", "input_required");
    release();
    expect(await task.value()).toBe("hello Ada");
  });

  it("close() ends running tasks cancelled, ends the streams, drops the closed sessions' records and frees the port", async () => {
    // The store sees every state the engine saves: the closed session's records are gone afterwards.
    const store = new MemoryTaskStore();
    const saved: TaskRecord[] = [];
    const save = store.save.bind(store);
    store.save = (record) => {
      saved.push({ ...record });
      save(record);
    };
    const { server, serving } = await serveSmall(store);
    const client = new McpcClient(new Client({ name: "c", version: "1" }), { legacy: false });
    await client.connect(new StreamableHTTPClientTransport(new URL(serving.url)));
    cleanups.push(() => client.close());
    const task = await client.callTool("forever");
    const [session] = [...runtimeOf(server).sessions.values()];
    if (!session) throw new Error("no session");
    await serving.close();
    await serving.closed;
    expect(saved.filter((record) => record.task_id === task.taskId && record.finished_at !== undefined)).toEqual([
      expect.objectContaining({ status: "cancelled", error: "Server shutting down" }),
    ]);
    await expect(server.runtime.registry.get(session.owner, task.taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    expect(runtimeOf(server).sessions.size).toBe(0);
    await expect(fetch(serving.url, { method: "POST" })).rejects.toThrow();
  });

  it("refuses to bind to every interface without allowedHosts", async () => {
    const server = new Small({ name: "small", version: "1.0.0" });
    await expect(server.serve({ transport: "http", port: 0, host: "0.0.0.0", handleSignals: false })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("allowedHosts"),
    });
  });
});
