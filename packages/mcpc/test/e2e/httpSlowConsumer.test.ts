/**
 * Issue 11, finding 5 over Streamable HTTP: a client that stops reading its GET
 * stream must not grow the server's memory, and once it reads again it gets
 * every task event the policy promises (docs/limits.md), in order.
 *
 * The server is a child process (its RSS is read from /proc). The tool yields,
 * emits a server event and logs a line in a loop for 10 s; the client (native
 * MCPC dialect, raw HTTP) opens the GET stream and leaves it unread for 10 s.
 * The same over legacy SSE, shorter and in process: the tool is held back.
 */
import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcServer, Tool, type TaskContext } from "../../src/index.js";
import { waitFor } from "../support/async.js";
import { ChildHttpServer, HARDENING_FIXTURE, openStalledGet, readSseUntil } from "./childHttpServer.js";
import { HttpPeer } from "./httpPeer.js";
import { RawHttpSession } from "./rawHttp.js";

/** How long the tool floods, and how long the client does not read. */
const FLOOD_MS = 10_000;
const STALL_MS = 10_000;
/** Text carried by each update, server event and log line. */
const PAD_BYTES = 16_384;
/**
 * The stated bound: server RSS may grow at most this much over its level before
 * the call while the client does not read. Before the fix it grew by about
 * 75 MiB per second (112 → 874 MB in 10 s).
 */
const MAX_RSS_GROWTH_MIB = 64;

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("a slow consumer over Streamable HTTP", () => {
  it("keeps server memory bounded while the GET stream is unread, then delivers every task event in order and the terminal one", { timeout: 90_000 }, async () => {
    const server = await ChildHttpServer.start(HARDENING_FIXTURE);
    cleanups.push(() => server.stop());
    const session = new RawHttpSession(server.url);
    await session.initialize(true);
    // Log lines reach the client too: best-effort traffic that must not pile up either.
    expect((await session.request("logging/setLevel", { level: "info" })).result).toEqual({});
    const sessionId = session.sessionId;
    if (sessionId === undefined) throw new Error("no session id");
    const stream: IncomingMessage = await openStalledGet(server.url, sessionId);
    cleanups.push(() => void stream.destroy());

    const before = server.rssMiB();
    const answer = await session.request("tools/call", { name: "flood", arguments: { ms: FLOOD_MS, padBytes: PAD_BYTES }, _meta: { "mcpc/task": { task_id: "flood" } } });
    expect(answer.result).toMatchObject({ structuredContent: { event: "created", task_id: "flood", seq: 1 } });

    let peak = before;
    const stallEnds = Date.now() + STALL_MS;
    while (Date.now() < stallEnds) {
      // Sampling, not synchronisation: the stall lasts its full time unless the bound is already broken.
      await new Promise((resolve) => setTimeout(resolve, 50));
      peak = Math.max(peak, server.rssMiB());
      if (peak - before > MAX_RSS_GROWTH_MIB) break;
    }
    console.info(`slow consumer (HTTP): server RSS ${before} MiB before the call, peak ${peak} MiB during the ${STALL_MS / 1000} s stall`);
    expect(peak - before, `server RSS grew from ${before} to ${peak} MiB while the client did not read`).toBeLessThanOrEqual(MAX_RSS_GROWTH_MIB);

    // Read until the terminal event and the drop notice are both in (the notice goes out when the client reads again).
    let ended = false;
    let noticed = false;
    const seen = await readSseUntil(
      stream,
      (message) => {
        if (message.task_id === "flood" && (message.event === "complete" || message.event === "failed" || message.event === "cancelled")) ended = true;
        if (message.type === "server_event" && message.event === "dropped") noticed = true;
        return ended && noticed;
      },
      60_000,
    );
    const events = seen.mcpc.filter((message) => message.type === "task" && message.task_id === "flood");
    const ticks = seen.mcpc.filter((message) => message.type === "server_event" && message.event === "tick").length;
    const notices = seen.mcpc.filter((message) => message.type === "server_event" && message.event === "dropped");
    console.info(`slow consumer (HTTP): after the stall ${events.length} task events, ${ticks} server events, ${seen.logs} log lines; ${notices.length} drop notices, first ${JSON.stringify(notices[0]?.result)}`);
    // Every update the tool yielded, from seq 2 (seq 1 is `created`, the call's answer), with no gap and no repeat, then the terminal event.
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 2));
    expect(events.at(-1)?.event).toBe("complete");
    // Best-effort messages made while the client did not read were dropped, and said so once it read again.
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices[0]?.result).toMatchObject({ server_events: expect.any(Number), logs: expect.any(Number) });
  });
});

class Flood extends McpcServer {
  yields = 0;

  @Tool({ description: "Yields, emits and logs padded messages as fast as it can for `ms`", input: z.object({ ms: z.number(), padBytes: z.number() }), background: true })
  async *flood({ ms, padBytes }: { ms: number; padBytes: number }, task: TaskContext) {
    const pad = "x".repeat(padBytes);
    const until = Date.now() + ms;
    while (Date.now() < until) {
      this.yields++;
      yield { i: this.yields, pad };
      task.emit("tick", { pad });
      task.log.info("line", { pad });
    }
    return { yielded: this.yields };
  }
}

describe("a slow consumer over legacy SSE (in process)", () => {
  it("holds the tool back while the /sse stream is unread, then delivers every task event in order and the terminal one", async () => {
    const server = new Flood({ name: "flood", version: "1.0.0", logger: () => undefined });
    const serving = await server.serve({ transport: "http", port: 0, handleSignals: false, exitOnClose: false });
    cleanups.push(() => serving.close());
    if (serving.sseUrl === undefined) throw new Error("legacy SSE is off");
    const stream = await new HttpPeer(serving.sseUrl).openGet();
    cleanups.push(() => void stream.destroy());
    // One reader for the whole test; pausing the stream stops it (and the socket) without losing a byte.
    const messages: Array<{ id?: unknown; method?: string; params?: { type?: string; event?: string; task_id?: string; seq?: number } }> = [];
    let endpoint: string | undefined;
    let buffer = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.+)$/m.exec(block)?.[1] ?? "";
        if (block.startsWith("event: endpoint")) endpoint = data;
        else if (data.startsWith("{")) messages.push(JSON.parse(data) as (typeof messages)[number]);
      }
    });
    await waitFor(() => endpoint !== undefined, "the endpoint event");
    const poster = new HttpPeer(new URL(endpoint ?? "", serving.sseUrl));
    const answered = (id: number) => waitFor(() => messages.some((message) => message.id === id), `the answer to request ${id}`);
    await poster.post({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: { experimental: { mcpc: { version: "1.0" } } }, clientInfo: { name: "slow", version: "1" } } });
    await answered(1);
    await poster.post({ jsonrpc: "2.0", method: "notifications/initialized" });
    await poster.post({ jsonrpc: "2.0", id: 2, method: "logging/setLevel", params: { level: "info" } });
    await answered(2);
    const floodMs = 1_500;
    const startedAt = Date.now();
    await poster.post({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "flood", arguments: { ms: floodMs, padBytes: 16_384 }, _meta: { "mcpc/task": { task_id: "legacy-flood" } } } });
    stream.pause();
    // The stall lasts past the tool's own deadline: unpaced, it would have yielded tens of thousands of times by then.
    await waitFor(() => Date.now() > startedAt + floodMs + 200, "the stall to last past the tool's deadline", floodMs + 2_000);
    const yieldedWhileStalled = server.yields;
    stream.resume();
    const ended = (message: (typeof messages)[number]) => message.params?.task_id === "legacy-flood" && message.params.event === "complete";
    await waitFor(() => messages.some(ended), "the terminal event", 20_000);
    const events = messages.flatMap((message) => (message.method === "notifications/mcpc" && message.params?.type === "task" && message.params.task_id === "legacy-flood" ? [message.params] : []));
    console.info(`slow consumer (legacy SSE): ${yieldedWhileStalled} updates yielded by the end of the stall, ${events.length} task events delivered`);
    // Held back by the unread stream: a few megabytes of kernel buffers' worth of 16 KiB updates, not a flood.
    expect(yieldedWhileStalled).toBeLessThan(1_000);
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 2));
    expect(events.at(-1)?.event).toBe("complete");
  });
});
