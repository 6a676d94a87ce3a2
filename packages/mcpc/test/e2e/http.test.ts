/**
 * What only HTTP has: resumption of the GET stream, sessions kept apart,
 * DNS-rebinding protection, limits, authentication, and the session-close policy.
 * Real servers (child processes) on 127.0.0.1, ports chosen at run time.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { McpcClient } from "../../src/client/index.js";
import { TransportDecorator } from "../../src/util/transportDecorator.js";
import { waitFor } from "../support/async.js";
import { RawHttpSession, mcpcParams } from "./rawHttp.js";
import { collect } from "./scenarios.js";
import { HttpFixture, openMcpc } from "./transportHarness.js";

/** Records every message the client receives, before our client transport filters MCPC out. */
class Tap extends TransportDecorator {
  readonly seen: JSONRPCMessage[] = [];
  protected override receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    this.seen.push(message);
    super.receive(message, extra);
  }
}

const servers: HttpFixture[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

async function start(args: string[] = []): Promise<HttpFixture> {
  const server = await HttpFixture.start(args);
  servers.push(server);
  return server;
}

async function mcpcOver(url: URL, headers: Record<string, string> = {}): Promise<McpcClient> {
  const client = await openMcpc(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  cleanups.push(() => client.close());
  return client;
}

function raw(url: URL, headers: Record<string, string> = {}): RawHttpSession {
  const session = new RawHttpSession(url, headers);
  cleanups.push(() => (session.sessionId === undefined ? Promise.resolve() : session.delete().catch(() => undefined)));
  return session;
}

describe("Streamable HTTP with the default options", () => {
  let server: HttpFixture;
  beforeAll(async () => {
    server = await start();
  });

  it("resumes a killed GET stream from Last-Event-ID: every event of a 200-event task arrives once, in order", async () => {
    const gets: Array<{ lastEventId: string | null; kill: AbortController }> = [];
    // Each GET stream gets its own kill switch, so the test can drop the connection mid-stream.
    const fetchWithKill: FetchLike = (url, init) => {
      if (init?.method !== "GET") return fetch(url, init);
      const kill = new AbortController();
      gets.push({ lastEventId: new Headers(init.headers).get("last-event-id"), kill });
      return fetch(url, { ...init, signal: init.signal ? AbortSignal.any([init.signal, kill.signal]) : kill.signal });
    };
    const tap = new Tap(
      new StreamableHTTPClientTransport(server.url, {
        fetch: fetchWithKill,
        reconnectionOptions: { initialReconnectionDelay: 20, maxReconnectionDelay: 200, reconnectionDelayGrowFactor: 1.5, maxRetries: 20 },
      }),
    );
    const client = new McpcClient(new Client({ name: "resume", version: "1.0.0" }));
    await client.connect(tap);
    cleanups.push(() => client.close());
    const mcpcSeqs = () =>
      tap.seen.flatMap((m) => ("method" in m && m.method === "notifications/mcpc" ? [(m.params as { seq: number; type: string }).seq] : []));

    const task = await client.callTool("count", { n: 200, delayMs: 2 });
    const events = collect(task);
    await waitFor(() => mcpcSeqs().length >= 40, "40 events on the first GET stream", 10_000);
    const first = gets[0];
    expect(first).toBeDefined();
    first?.kill.abort();
    const seenAtKill = mcpcSeqs().length;

    const all = await events;
    expect(seenAtKill).toBeLessThan(150);
    expect(gets.length).toBeGreaterThanOrEqual(2);
    expect(gets.slice(1).every((get) => get.lastEventId !== null)).toBe(true);
    // On the wire: each event once, in order (heartbeats would repeat a seq; none are due this fast).
    expect(mcpcSeqs()).toEqual(Array.from({ length: 201 }, (_, i) => i + 2));
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 202 }, (_, i) => i + 1));
    expect(all.at(-1)).toMatchObject({ event: "complete", result: { counted: 200 } });
    expect(task.missed).toBe(0);
  });

  it("delivers on a session's first GET stream the events sent before it was opened", async () => {
    const session = raw(server.url);
    await session.initialize(true);
    const answer = await session.request("tools/call", { name: "count", arguments: { n: 5 }, _meta: { "mcpc/task": { task_id: "early" } } });
    expect(answer.result).toMatchObject({ structuredContent: { event: "created", task_id: "early", seq: 1 } });
    await waitFor(async () => {
      const check = await session.request("mcpc/tasks/get", { task_id: "early" });
      return (check.result as { task: { status: string } }).task.status === "completed";
    }, "the task to complete with no GET stream open", 10_000);
    const events = await RawHttpSession.readUntil(await session.get(), (event) => mcpcParams(event)?.event === "complete");
    const mine = events.flatMap((event) => mcpcParams(event) ?? []);
    expect(mine.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(events.filter((event) => mcpcParams(event)).every((event) => typeof event.id === "string" && event.id.length > 0)).toBe(true);
  });

  it("keeps two sessions apart: neither can check, stop or replay the other's tasks and events", async () => {
    const a = await mcpcOver(server.url);
    const b = await mcpcOver(server.url);
    const task = await a.callTool("watch");
    await expect(b.check(task.taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    await expect(b.stop(task.taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    expect((await b.list()).map((t) => t.task_id)).not.toContain(task.taskId);
    expect((await a.check(task.taskId)).status).toBe("working");
    await task.stop();

    // Replay: session B presents an event id of session A's GET stream.
    const rawA = raw(server.url);
    const rawB = raw(server.url);
    await rawA.initialize(true);
    await rawB.initialize(true);
    const stream = await rawA.get();
    await rawA.request("tools/call", { name: "count", arguments: { n: 3 }, _meta: { "mcpc/task": { task_id: "secret" } } });
    const seenByA = await RawHttpSession.readUntil(stream, (event) => mcpcParams(event)?.event === "complete");
    const idOfA = seenByA.find((event) => mcpcParams(event)?.seq === 2)?.id;
    expect(idOfA).toBeDefined();
    const replay = await rawB.get({ "last-event-id": idOfA ?? "" });
    const body = await replay.text();
    expect(replay.status).toBe(400);
    expect(body).not.toContain("secret");
    // And B's own GET stream never carries A's task.
    const ownB = await rawB.get();
    const probe = await rawB.request("tools/call", { name: "count", arguments: { n: 1 }, _meta: { "mcpc/task": { task_id: "b-own" } } });
    expect(probe.result).toBeDefined();
    const seenByB = await RawHttpSession.readUntil(ownB, (event) => mcpcParams(event)?.event === "complete");
    expect(seenByB.flatMap((event) => mcpcParams(event) ?? []).map((e) => e.task_id)).toEqual(["b-own", "b-own"]);
  });

  it("refuses a foreign Origin and a wrong Host with 403 and a JSON-RPC error, and accepts its own origin", async () => {
    const evil = await raw(server.url, { origin: "http://evil.example" }).initialize(true);
    expect(evil.status).toBe(403);
    const evilBody = (await (await raw(server.url, { origin: "http://evil.example" }).post({ jsonrpc: "2.0", id: 1, method: "ping" })).json()) as Record<string, unknown>;
    expect(evilBody).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32000, message: expect.stringContaining('Origin "http://evil.example" is not allowed') } });

    expect(await postWithHost(server.url, "evil.example")).toBe(403);
    expect(await postWithHost(server.url, `evil.example:${server.url.port}`)).toBe(403);
    // The legacy transport is behind the same guard.
    const legacy = await fetch(server.sseUrl, { headers: { origin: "http://evil.example", accept: "text/event-stream" } });
    expect(legacy.status).toBe(403);
    await legacy.text();

    const own = raw(server.url, { origin: `http://127.0.0.1:${server.url.port}` });
    expect((await own.initialize(true)).status).toBe(200);
    expect(own.sessionId).toBeDefined();
  });

  it("answers an oversized body with 413, a malformed one with 400 -32700, and an unknown session with 404", async () => {
    const big = await raw(server.url).post({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(5 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: -32000, message: expect.stringContaining("exceeds 4194304 bytes") } });
    const malformed = await raw(server.url).post("{ not json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: -32700 } });
    const unknown = await raw(server.url, { "mcp-session-id": "no-such-session" }).post({ jsonrpc: "2.0", id: 1, method: "ping" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: -32001, message: expect.stringContaining("Session not found") } });
    const legacyUnknown = await fetch(new URL("/messages?sessionId=nope", server.url), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(legacyUnknown.status).toBe(404);
  });
});

describe("limits and the stop policy (maxSessions 3, idle 300 ms)", () => {
  let server: HttpFixture;
  beforeAll(async () => {
    server = await start(["--max-sessions", "3", "--idle-ms", "300", "--session-close", "stop"]);
  });

  it("refuses one session more than the limit with 503 while every session has a task running, and admits again once one closed", async () => {
    const [first, ...others] = [raw(server.url), raw(server.url), raw(server.url)];
    if (!first) throw new Error("unreachable");
    await first.initialize(true);
    for (const other of others) expect((await other.initialize(true)).status).toBe(200);
    // A session with a task running is never closed to make room (an idle one would be).
    for (const [i, session] of [first, ...others].entries()) {
      await session.request("tools/call", { name: "watch", arguments: {}, _meta: { "mcpc/task": { task_id: `busy-${i}` } } });
    }
    const refused = await raw(server.url).initialize(true);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(await refused.json()).toMatchObject({ error: { code: -32000, message: expect.stringContaining("3 sessions are open") } });
    expect((await first.delete()).status).toBe(200);
    first.sessionId = undefined;
    expect((await raw(server.url).initialize(true)).status).toBe(200);
  });

  it("DELETE stops the session's running tasks (finally ran, one terminal state) and forgets the session", async () => {
    const session = raw(server.url);
    await session.initialize(true);
    const started = await session.request("tools/call", { name: "watch", arguments: {}, _meta: { "mcpc/task": { task_id: "doomed" } } });
    expect(started.result).toMatchObject({ structuredContent: { event: "created" } });
    expect((await session.delete()).status).toBe(200);
    const after = await session.post({ jsonrpc: "2.0", id: 9, method: "ping" });
    expect(after.status).toBe(404);
    await after.text();
    session.sessionId = undefined;
    const observer = raw(server.url);
    await observer.initialize(false);
    await waitFor(async () => {
      const answer = await observer.request("tools/call", { name: "finalized", arguments: {} });
      return JSON.stringify(answer.result).includes("doomed");
    }, "the stopped task's finally block", 5_000);
  });

  it("closes an idle session and stops its task (finally ran), while a session listening on its GET stream for a running task stays", async () => {
    const idle = raw(server.url);
    await idle.initialize(true);
    await idle.request("tools/call", { name: "watch", arguments: {}, _meta: { "mcpc/task": { task_id: "left-alone" } } });
    const listening = raw(server.url);
    await listening.initialize(true);
    await listening.request("tools/call", { name: "watch", arguments: {}, _meta: { "mcpc/task": { task_id: "listened-to" } } });
    const stream = await listening.get();
    cleanups.push(() => stream.body?.cancel() ?? Promise.resolve());
    // Watched from a third session: a request on the idle one would be activity.
    const observer = raw(server.url);
    await observer.initialize(false);
    await waitFor(async () => {
      const answer = await observer.request("tools/call", { name: "finalized", arguments: {} });
      return JSON.stringify(answer.result).includes("left-alone");
    }, "the idle session's task to be stopped", 5_000);
    const gone = await idle.post({ jsonrpc: "2.0", id: 99, method: "ping" });
    expect(gone.status).toBe(404);
    await gone.text();
    idle.sessionId = undefined;
    const alive = await listening.request("ping", {});
    expect(alive.result).toEqual({});
  });
});

describe("authentication, and the finish policy (idle 300 ms)", () => {
  let server: HttpFixture;
  beforeAll(async () => {
    server = await start(["--auth", "--session-close", "finish", "--idle-ms", "300"]);
  });

  it("refuses a request without credentials with 401 and a JSON-RPC error", async () => {
    const response = await raw(server.url).initialize(true);
    expect(response.status).toBe(401);
  });

  it("lets the principal's tasks be seen and stopped by that principal's sessions only", async () => {
    const alice1 = await mcpcOver(server.url, { authorization: "Bearer alice" });
    const alice2 = await mcpcOver(server.url, { authorization: "Bearer alice" });
    const bob = await mcpcOver(server.url, { authorization: "Bearer bob" });
    const task = await alice1.callTool("watch");
    await expect(bob.check(task.taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    await expect(bob.stop(task.taskId)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    expect((await alice2.check(task.taskId)).status).toBe("working");
    expect((await alice2.stop(task.taskId)).stopped).toBe(true);
    expect((await task.result()).event).toBe("cancelled");
  });

  it("refuses another principal's session id with 404", async () => {
    const alice = raw(server.url, { authorization: "Bearer alice" });
    await alice.initialize(true);
    const intruder = new RawHttpSession(server.url, { authorization: "Bearer mallory" });
    intruder.sessionId = alice.sessionId;
    const response = await intruder.post({ jsonrpc: "2.0", id: 5, method: "mcpc/tasks/list" });
    expect(response.status).toBe(404);
    await response.text();
  });

  it("lets a task finish after its idle session expired; its principal reads the one terminal state from a new session", async () => {
    const first = raw(server.url, { authorization: "Bearer carol" });
    await first.initialize(true);
    // The session expires after 300-450 ms of silence; the task runs 1.5 s, so it outlives its session.
    await first.request("tools/call", { name: "watch", arguments: { limitMs: 1_500 }, _meta: { "mcpc/task": { task_id: "outlives" } } });
    const later = await mcpcOver(server.url, { authorization: "Bearer carol" });
    await waitFor(async () => (await later.check("outlives")).status !== "working", "the task to end", 8_000);
    expect(await later.check("outlives")).toMatchObject({ status: "completed", result: "watched to the end" });
    const gone = await first.post({ jsonrpc: "2.0", id: 7, method: "ping" });
    expect(gone.status).toBe(404);
    await gone.text();
    first.sessionId = undefined;
  });
});

/** POSTs with a forged Host header through node:http (fetch does not let a caller set Host). */
async function postWithHost(url: URL, host: string): Promise<number> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { host, "content-type": "application/json" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end("{}");
  });
}
