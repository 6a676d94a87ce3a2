/**
 * The batched notification path of Streamable HTTP (transports/http/notificationPath.ts):
 * a fast tool's events leave in joined chunks, and nothing of what the SDK's own
 * `send` guaranteed is lost: every event once, in order, with an event id, the
 * result after the last of them, and a POST stream that resumes from any id.
 * A real server (a child process) on 127.0.0.1.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TransportDecorator } from "../../src/util/transportDecorator.js";
import { RawHttpSession, parseSse, type SseEvent } from "./rawHttp.js";
import { HttpFixture } from "./transportHarness.js";

const N = 3_000;

/** Counts the requests the server sends the client (pings). */
class RequestCounter extends TransportDecorator {
  requests = 0;
  protected override receive(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if ("method" in message && "id" in message) this.requests++;
    super.receive(message, extra);
  }
}

let server: HttpFixture;
beforeAll(async () => {
  server = await HttpFixture.start([]);
});
afterAll(async () => {
  await server.stop();
});

/** A plain (non-MCPC) session: a background tool's updates come as progress notifications on the POST stream. */
async function plainSession(): Promise<RawHttpSession> {
  const session = new RawHttpSession(server.url);
  await session.initialize(false);
  return session;
}

function progressOf(event: SseEvent): number | undefined {
  const message = event.data as { method?: string; params?: { progress?: number } };
  return message.method === "notifications/progress" ? message.params?.progress : undefined;
}

describe("Streamable HTTP event batches", () => {
  it(`streams ${N} progress notifications of one call once each, in order, each with an id, then the result`, async () => {
    const session = await plainSession();
    try {
      const response = await session.post({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "count", arguments: { n: N }, _meta: { progressToken: "p" } } });
      const events = parseSse(await response.text());
      const progress = events.map(progressOf).filter((p) => p !== undefined);
      // The tool's n updates, plus any heartbeat (none is due this fast, but one would repeat a number).
      expect([...new Set(progress)]).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      expect(events.at(-1)?.data).toMatchObject({ id: 7, result: { structuredContent: { counted: N } } });
      expect(events.every((event) => event.id !== undefined)).toBe(true);
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    } finally {
      await session.delete();
    }
  });

  it("resumes the POST stream from an event id in its middle: the rest of the events and the result, once each", async () => {
    const session = await plainSession();
    try {
      const response = await session.post({ jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "count", arguments: { n: 500 }, _meta: { progressToken: "q" } } });
      const events = parseSse(await response.text());
      const cut = events.findIndex((event) => progressOf(event) === 200);
      const from = events[cut]?.id;
      expect(cut).toBeGreaterThan(0);
      expect(from).toBeDefined();
      const resumed = await RawHttpSession.readUntil(await session.get({ "last-event-id": from ?? "" }), (event) => (event.data as { id?: unknown }).id === 8);
      expect(resumed.map((event) => event.id)).toEqual(events.slice(cut + 1).map((event) => event.id));
      expect(resumed.map(progressOf).filter((p) => p !== undefined)).toEqual(Array.from({ length: 300 }, (_, i) => i + 201));
    } finally {
      await session.delete();
    }
  });

  it("an SDK client loses no progress with no ping before the answer: 100 calls × 40 updates at once, the last update and the answer written back to back", async () => {
    const counter = new RequestCounter(new StreamableHTTPClientTransport(server.url));
    const client = new Client({ name: "no-barrier", version: "1.0.0" });
    await client.connect(counter);
    try {
      const calls = Array.from({ length: 100 }, async () => {
        const seen: number[] = [];
        const result = await client.callTool({ name: "count", arguments: { n: 40 } }, undefined, { onprogress: (p) => seen.push(p.progress) });
        return { seen, result };
      });
      for (const { seen, result } of await Promise.all(calls)) {
        expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(result.structuredContent).toEqual({ counted: 40 });
      }
      // The SDK client drops progress read together with the answer only where it reads several messages in one turn (stdio).
      expect(counter.requests).toBe(0);
    } finally {
      await client.close();
    }
  });
});

