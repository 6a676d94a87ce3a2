/**
 * Issue 11 over HTTP, in process: one client cannot take every session slot,
 * a full table makes room by closing its most idle session instead of refusing
 * everyone, and a session that only listens on its GET stream expires once it
 * has no task running. Small limits; every server closed after each test.
 */
import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcServer, Tool, type TaskContext } from "../../src/index.js";
import type { HttpOptions, HttpServing } from "../../src/transports/http/index.js";
import { waitFor } from "../support/async.js";
import { runtimeOf } from "../support/runtime.js";
import { HttpPeer, type PeerOptions } from "./httpPeer.js";

class Busy extends McpcServer {
  @Tool({ description: "Runs until stopped", input: z.object({ label: z.string() }), background: true })
  async *linger({ label }: { label: string }, task: TaskContext) {
    for (let i = 0; ; i++) {
      yield `${label} ${i}`;
      await task.sleep(50);
    }
  }
}

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(options: HttpOptions): Promise<{ server: Busy; serving: HttpServing }> {
  const server = new Busy({ name: "busy", version: "1.0.0", logger: () => undefined, tasks: { stopGraceMs: 500 } });
  const serving = await server.serve({ transport: "http", port: 0, handleSignals: false, exitOnClose: false, ...options });
  cleanups.push(() => serving.close());
  return { server, serving };
}

/** The bearer token is the principal. */
const byBearer: HttpOptions["authenticate"] = (request) => {
  const token = /^Bearer (\w+)$/.exec(request.headers.authorization ?? "")?.[1];
  return token === undefined ? undefined : { id: token };
};

function as(serving: HttpServing, who: string): HttpPeer {
  return new HttpPeer(serving.url, { headers: { authorization: `Bearer ${who}` } });
}

async function opened(serving: HttpServing, options: PeerOptions = {}): Promise<HttpPeer> {
  const peer = new HttpPeer(serving.url, options);
  expect((await peer.initialize(true)).status).toBe(200);
  return peer;
}

/** Starts a task that runs until stopped: its session is busy from now on. */
async function startTask(peer: HttpPeer, label: string): Promise<void> {
  const answer = await peer.request("tools/call", { name: "linger", arguments: { label }, _meta: { "mcpc/task": { task_id: label } } });
  expect(answer.result).toMatchObject({ structuredContent: { event: "created", task_id: label } });
}

/** Opens a GET stream and reads it (so nothing backs up); destroyed after the test. */
async function listen(peer: HttpPeer): Promise<IncomingMessage> {
  const stream = await peer.openGet();
  expect(stream.statusCode).toBe(200);
  stream.resume();
  cleanups.push(() => void stream.destroy());
  return stream;
}

/** Whether the server still holds the session, asked without a request (a request would be activity). */
function alive(server: Busy, peer: HttpPeer): boolean {
  return peer.sessionId !== undefined && runtimeOf(server).sessions.has(peer.sessionId);
}

describe("per-client session limit (maxSessions 5, maxSessionsPerClient 3)", () => {
  it("lets one address that opens session after session hold at most 3, closing its own most idle; others still get in", async () => {
    const { server, serving } = await serve({ maxSessions: 5, maxSessionsPerClient: 3 });
    const flood: HttpPeer[] = [];
    for (let i = 0; i < 8; i++) flood.push(await opened(serving, { localAddress: "127.0.0.2" }));
    expect(flood.map((peer) => alive(server, peer))).toEqual([false, false, false, false, false, true, true, true]);
    const gone = flood[0];
    if (!gone) throw new Error("unreachable");
    expect(await gone.pingStatus()).toBe(404);

    const others = [await opened(serving, { localAddress: "127.0.0.1" }), await opened(serving, { localAddress: "127.0.0.1" })];
    expect(others.every((peer) => alive(server, peer))).toBe(true);
    expect(server.runtime.sessionCount).toBe(5);
    // The table is full now: a third address gets in too, and the most idle session of all gives way.
    const third = await opened(serving, { localAddress: "127.0.0.3" });
    expect(alive(server, third)).toBe(true);
    expect(alive(server, flood[5] as HttpPeer)).toBe(false);
    expect(server.runtime.sessionCount).toBe(5);
  });

  it("refuses a client whose every session is busy with 429, and keeps serving other principals", async () => {
    const { server, serving } = await serve({ maxSessionsPerClient: 2, authenticate: byBearer });
    const alice = [as(serving, "alice"), as(serving, "alice")];
    for (const [i, peer] of alice.entries()) {
      expect((await peer.initialize(true)).status).toBe(200);
      await startTask(peer, `alice-${i}`);
    }
    const refused = await as(serving, "alice").initialize(true);
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("5");
    expect(JSON.parse(refused.body)).toMatchObject({ id: null, error: { code: -32000, message: expect.stringContaining('principal "alice" has 2 sessions open, the limit (maxSessionsPerClient)') } });
    expect(alice.every((peer) => alive(server, peer))).toBe(true);
    expect((await as(serving, "bob").initialize(true)).status).toBe(200);
  });
});

describe("a full table (maxSessions 3)", () => {
  it("closes the most idle session, one without a stream first, never one with a task running; all busy is 503", async () => {
    const { server, serving } = await serve({ maxSessions: 3, authenticate: byBearer });
    const alice = as(serving, "alice");
    await alice.initialize(true);
    await startTask(alice, "alice-task");
    const carol = as(serving, "carol");
    await carol.initialize(true);
    await listen(carol);
    const bob = as(serving, "bob");
    await bob.initialize(true);

    // Bob is newer than Carol but has no stream open: he goes first.
    const dave = as(serving, "dave");
    expect((await dave.initialize(true)).status).toBe(200);
    expect([alive(server, alice), alive(server, bob), alive(server, carol)]).toEqual([true, false, true]);
    await startTask(dave, "dave-task");

    // Now the only quiet session without a task is Carol's, listening on her GET stream.
    const erin = as(serving, "erin");
    expect((await erin.initialize(true)).status).toBe(200);
    expect([alive(server, alice), alive(server, carol), alive(server, dave)]).toEqual([true, false, true]);
    await startTask(erin, "erin-task");

    const frank = await as(serving, "frank").initialize(true);
    expect(frank.status).toBe(503);
    expect(JSON.parse(frank.body)).toMatchObject({ error: { message: expect.stringContaining("the limit (maxSessions)") } });
    expect([alice, dave, erin].every((peer) => alive(server, peer))).toBe(true);
  });
});

describe("idle expiry with a GET stream open (sessionIdleMs 300)", () => {
  it("closes a session that only listens and has no task running; one whose task runs stays", async () => {
    const { server, serving } = await serve({ sessionIdleMs: 300 });
    // Made first, and older: the sweep looks at it before the listener, in the same pass or an earlier one.
    const working = await opened(serving);
    await listen(working);
    await startTask(working, "still-running");
    const listener = await opened(serving);
    await listen(listener);
    await waitFor(() => !alive(server, listener), "the listening session to expire", 5_000);
    expect(alive(server, working)).toBe(true);
  });
});
