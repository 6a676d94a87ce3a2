import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { GET_STREAM_ID, SessionEventStore } from "../../../src/transports/http/index.js";

const note = (n: number): JSONRPCMessage => ({ jsonrpc: "2.0", method: "notifications/mcpc", params: { seq: n } });

async function replay(store: SessionEventStore, after: string): Promise<{ stream: string; sent: Array<[string, JSONRPCMessage]> }> {
  const sent: Array<[string, JSONRPCMessage]> = [];
  const stream = await store.replayEventsAfter(after, { send: async (id, message) => void sent.push([id, message]) });
  return { stream, sent };
}

describe("SessionEventStore", () => {
  it("replays, in order, only the events of the cursor's stream stored after it, and never a priming event", async () => {
    const store = new SessionEventStore();
    const first = await store.storeEvent(GET_STREAM_ID, note(1));
    await store.storeEvent("post-1", {} as JSONRPCMessage);
    await store.storeEvent("post-1", note(100));
    await store.storeEvent(GET_STREAM_ID, note(2));
    await store.storeEvent(GET_STREAM_ID, {} as JSONRPCMessage);
    const third = await store.storeEvent(GET_STREAM_ID, note(3));
    expect(await store.getStreamIdForEventId(first)).toBe(GET_STREAM_ID);
    const { stream, sent } = await replay(store, first);
    expect(stream).toBe(GET_STREAM_ID);
    expect(sent.map(([, message]) => message)).toEqual([note(2), note(3)]);
    expect(sent.at(-1)?.[0]).toBe(third);
  });

  it("replays the whole GET stream from its origin id", async () => {
    const store = new SessionEventStore();
    await store.storeEvent(GET_STREAM_ID, note(1));
    await store.storeEvent(GET_STREAM_ID, note(2));
    expect((await replay(store, store.originId())).sent.map(([, m]) => m)).toEqual([note(1), note(2)]);
  });

  it("knows nothing of another store's ids, so replay never crosses sessions", async () => {
    const mine = new SessionEventStore();
    const theirs = new SessionEventStore();
    const foreign = await theirs.storeEvent(GET_STREAM_ID, note(1));
    await mine.storeEvent(GET_STREAM_ID, note(1));
    expect(await mine.getStreamIdForEventId(foreign)).toBeUndefined();
    expect(await mine.getStreamIdForEventId("garbage")).toBeUndefined();
    await expect(replay(mine, foreign)).rejects.toThrow(/does not belong to this session/);
  });

  it("keeps at most maxEvents, dropping the oldest; a cursor older than that gets what is left", async () => {
    const store = new SessionEventStore({ maxEvents: 3 });
    const ids: string[] = [];
    for (let n = 1; n <= 6; n++) ids.push(await store.storeEvent(GET_STREAM_ID, note(n)));
    expect(store.size).toBe(3);
    expect((await replay(store, ids[0] ?? "")).sent.map(([, m]) => m)).toEqual([note(4), note(5), note(6)]);
    expect(() => new SessionEventStore({ maxEvents: 0 })).toThrow(RangeError);
  });

  it("also replays events stored while the replay is under way", async () => {
    const store = new SessionEventStore();
    const first = await store.storeEvent(GET_STREAM_ID, note(1));
    await store.storeEvent(GET_STREAM_ID, note(2));
    const sent: JSONRPCMessage[] = [];
    await store.replayEventsAfter(first, {
      send: async (_id, message) => {
        sent.push(message);
        if (sent.length === 1) await store.storeEvent(GET_STREAM_ID, note(3));
      },
    });
    expect(sent).toEqual([note(2), note(3)]);
  });
});

describe("SessionEventStore byte bound", () => {
  it("drops the oldest events once the kept ones weigh more than maxBytes, keeping the newest even when it alone is heavier", async () => {
    const heavy = (n: number): JSONRPCMessage => ({ jsonrpc: "2.0", method: "notifications/mcpc", params: { seq: n, pad: "x".repeat(400) } });
    const size = JSON.stringify(heavy(1)).length;
    const store = new SessionEventStore({ maxBytes: size * 3 });
    for (let n = 1; n <= 5; n++) await store.storeEvent(GET_STREAM_ID, heavy(n));
    expect(store.size).toBe(3);
    expect(store.bytes).toBe(size * 3);
    expect((await replay(store, store.originId())).sent.map(([, m]) => (m as unknown as { params: { seq: number } }).params.seq)).toEqual([3, 4, 5]);
    await store.storeEvent(GET_STREAM_ID, { jsonrpc: "2.0", method: "big", params: { pad: "y".repeat(size * 10) } });
    expect(store.size).toBe(1);
  });
});
