/**
 * Issue 11 over HTTP, in process: a POST dropped by its client cancels its
 * calls; a request with a readable id and an invalid envelope is answered with
 * that id; binding beyond loopback needs authentication.
 */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcServer, Tool, type TaskContext } from "../../src/index.js";
import { serveHttp, type HttpServing } from "../../src/transports/http/index.js";
import { waitFor } from "../support/async.js";
import { HttpPeer } from "./httpPeer.js";
import { parseSse } from "./rawHttp.js";

class Lingering extends McpcServer {
  readonly started: string[] = [];
  readonly finalized: string[] = [];

  @Tool({ description: "Runs until stopped; records when it started and when its finally block ran", input: z.object({ label: z.string() }), background: true })
  async *linger({ label }: { label: string }, task: TaskContext) {
    this.started.push(label);
    try {
      for (let i = 0; ; i++) {
        yield { progress: i };
        await task.sleep(20);
      }
    } finally {
      this.finalized.push(label);
    }
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(jobHandles: false | undefined = undefined): Promise<{ server: Lingering; serving: HttpServing }> {
  const server = new Lingering({ name: "lingering", version: "1.0.0", logger: () => undefined, tasks: { stopGraceMs: 1_000 }, jobHandles });
  const serving = await server.serve({ transport: "http", port: 0, handleSignals: false, exitOnClose: false });
  cleanups.push(() => serving.close());
  return { server, serving };
}

describe("a POST whose client goes away before its answer, with job handles off", () => {
  it("cancels its fallback call: the task stops and its finally block runs", async () => {
    const { server, serving } = await serve(false);
    const peer = new HttpPeer(serving.url);
    await peer.initialize(false);
    const call = await peer.postAndHold({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "linger", arguments: { label: "abandoned" }, _meta: { progressToken: 7 } } });
    await waitFor(() => server.started.includes("abandoned"), "the fallback call to start");
    expect(server.finalized).toEqual([]);
    call.abort();
    await waitFor(() => server.finalized.includes("abandoned"), "the abandoned call's finally block", 5_000);
    // The session itself lives on: only the calls of that POST were cancelled.
    expect(await peer.pingStatus()).toBe(200);
    await peer.delete();
  });

  it("cancels every request of that body, and nothing of a POST that was answered", async () => {
    const { server, serving } = await serve(false);
    const peer = new HttpPeer(serving.url);
    await peer.initialize(false);
    const batch = await peer.postAndHold([
      { jsonrpc: "2.0", id: "a", method: "tools/call", params: { name: "linger", arguments: { label: "first" } } },
      { jsonrpc: "2.0", id: "b", method: "tools/call", params: { name: "linger", arguments: { label: "second" } } },
    ]);
    await waitFor(() => server.started.length === 2, "both calls to start");
    batch.abort();
    await waitFor(() => server.finalized.length === 2, "both finally blocks", 5_000);
    expect([...server.finalized].sort()).toEqual(["first", "second"]);
    // An answered POST closes with its stream finished: the next call's task is not touched.
    expect((await peer.request("tools/list")).result).toBeDefined();
    const kept = await peer.postAndHold({ jsonrpc: "2.0", id: "c", method: "tools/call", params: { name: "linger", arguments: { label: "kept" } } });
    await waitFor(() => server.started.includes("kept"), "the third call to start");
    expect(server.finalized).not.toContain("kept");
    kept.abort();
    await waitFor(() => server.finalized.includes("kept"), "the third call's finally block", 5_000);
  });
});

describe("a POST whose client goes away before its answer, with job handles on (the default)", () => {
  it("keeps its task: it runs on, task_status lists it, task_stop stops it", async () => {
    const { server, serving } = await serve();
    const peer = new HttpPeer(serving.url);
    await peer.initialize(false);
    const call = await peer.postAndHold({ jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "linger", arguments: { label: "handed" } } });
    await waitFor(() => server.started.includes("handed"), "the call to start");
    call.abort();
    // The host gave up waiting; the task is still reachable through the handle tools.
    const listed = (await peer.request("tools/call", { name: "task_status", arguments: {} })).result as { structuredContent: { tasks: { taskId: string; status: string }[] } };
    const [task] = listed.structuredContent.tasks;
    expect(task?.status).toBe("working");
    expect(server.finalized).toEqual([]);
    await peer.request("tools/call", { name: "task_stop", arguments: { taskId: task?.taskId } });
    expect(server.finalized).toEqual(["handed"]);
    await peer.delete();
  });
});

describe("a request with a readable id and an invalid envelope", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["params null", { params: null }, '"params"'],
    ["params an array", { params: [1, 2] }, '"params"'],
    ["params a string", { params: "x" }, '"params"'],
    ["_meta not an object", { params: { _meta: "x" } }, '"params._meta"'],
    ["progressToken an object", { params: { _meta: { progressToken: {} } } }, '"params._meta.progressToken"'],
    ["an extra top-level key", { params: {}, extra: true }, '"extra"'],
  ];

  it.each(cases)("is answered with its id, -32600 and the field named: %s", async (_name, change, field) => {
    const { serving } = await serve();
    const peer = new HttpPeer(serving.url);
    await peer.initialize(true);
    const answer = await peer.post({ jsonrpc: "2.0", id: 41, method: "tools/list", ...change });
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.body) as { id: unknown; error: { code: number; message: string } };
    expect(body).toMatchObject({ jsonrpc: "2.0", id: 41, error: { code: -32600 } });
    expect(body.error.message).toContain(field);
    // The session is fine afterwards.
    expect(await peer.pingStatus()).toBe(200);
  });

  it("gets its id even before a session exists, and in a batch every request gets its own", async () => {
    const { serving } = await serve();
    const stranger = new HttpPeer(serving.url);
    const early = await stranger.post({ jsonrpc: "2.0", id: "init-1", method: "initialize", params: null });
    expect(early.status).toBe(400);
    expect(JSON.parse(early.body)).toMatchObject({ id: "init-1", error: { code: -32600, message: expect.stringContaining('"params"') } });

    const peer = new HttpPeer(serving.url);
    await peer.initialize(true);
    const batch = await peer.post([
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { jsonrpc: "2.0", id: 2, method: "ping", params: [] },
      { jsonrpc: "2.0", method: "notifications/progress", params: null },
    ]);
    expect(batch.status).toBe(400);
    const answers = JSON.parse(batch.body) as Array<{ id: unknown; error: { code: number; message: string } }>;
    expect(answers.map((answer) => answer.id)).toEqual([1, 2]);
    expect(answers[0]?.error.message).toContain("not run");
    expect(answers[1]?.error.message).toContain('"params"');
  });

  it("is answered with its id over legacy SSE too: on the stream, and in the POST's refusal", async () => {
    const { serving } = await serve();
    const sseUrl = serving.sseUrl;
    if (sseUrl === undefined) throw new Error("legacy SSE is off");
    const stream = await new HttpPeer(sseUrl).openGet();
    cleanups.push(() => Promise.resolve(stream.destroy()));
    stream.setEncoding("utf8");
    let text = "";
    stream.on("data", (chunk: string) => (text += chunk));
    await waitFor(() => /event: endpoint\ndata: (\S+)/.test(text), "the endpoint event");
    const endpoint = /event: endpoint\ndata: (\S+)/.exec(text)?.[1] ?? "";
    const poster = new HttpPeer(new URL(endpoint, sseUrl));
    const refused = await poster.post({ jsonrpc: "2.0", id: 5, method: "tools/list", params: "x" });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ id: 5, error: { code: -32600 } });
    await waitFor(() => text.includes('"id":5'), "the error on the SSE stream");
    // The endpoint event's data is a path, not JSON: only the message events are read.
    const messages = text.split("\n\n").filter((block) => block.startsWith("event: message")).join("\n\n");
    const onStream = parseSse(messages).map((event) => event.data as { id?: unknown; error?: { code: number } });
    expect(onStream.find((message) => message.id === 5)).toMatchObject({ error: { code: -32600 } });
  });
});

describe("binding beyond loopback", () => {
  it("refuses to start on 0.0.0.0 without authenticate, naming the fix; loopback is unchanged", async () => {
    const server = new Lingering({ name: "exposed", version: "1.0.0", logger: () => undefined });
    await expect(serveHttp(server.runtime, { host: "0.0.0.0", port: 0, allowedHosts: ["mcp.example.com:443"], handleSignals: false })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/authenticate.*allowUnauthenticated: true/s),
    });
    const local = await serveHttp(server.runtime, { host: "127.0.0.1", port: 0, handleSignals: false, exitOnClose: false });
    cleanups.push(() => local.close());
    expect(local.host).toBe("127.0.0.1");
  });
});
