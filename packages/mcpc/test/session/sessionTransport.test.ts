/** SessionTransport: backpressure of the answer-first gate, and the drop half of the outbound policy. */
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import type { DropCounts } from "../../src/session/bestEffort.js";
import type { OutboundGauge } from "../../src/session/outbound.js";
import { MAX_HELD_BEST_EFFORT, SessionTransport } from "../../src/session/sessionTransport.js";
import { gate, settle, waitFor, type Gate } from "../support/async.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A gauge the test drives: congested until `resume()`. */
class TestGauge implements OutboundGauge {
  #congested = false;
  #resumed: Gate | undefined;
  congested(): boolean {
    return this.#congested;
  }
  writable(): Promise<void> {
    return this.#resumed?.promise ?? Promise.resolve();
  }
  stall(): void {
    this.#congested = true;
    this.#resumed = gate();
  }
  resume(): void {
    this.#congested = false;
    this.#resumed?.open();
    this.#resumed = undefined;
  }
}

async function setup(outbound?: OutboundGauge) {
  const [client, server] = InMemoryTransport.createLinkedPair();
  const dropped: DropCounts[] = [];
  const transport = new SessionTransport(server, { outbound, onDropped: (counts) => dropped.push(counts) });
  const received: JSONRPCMessage[] = [];
  client.onmessage = (message) => void received.push(message);
  await client.start();
  await transport.start();
  closers.push(() => client.close());
  return { transport, received, dropped };
}

const event = (n: number): JSONRPCMessage => ({ jsonrpc: "2.0", method: "notifications/mcpc", params: { n } });
const answer = (id: number): JSONRPCMessage => ({ jsonrpc: "2.0", id, result: {} });
const tracked = (promise: Promise<unknown> | undefined) => {
  const state = { settled: false };
  void promise?.then(() => (state.settled = true));
  return state;
};

describe("SessionTransport, answer first", () => {
  it("makes a producer of a held call's events wait until the answer went out, instead of queueing without bound", async () => {
    const { transport, received } = await setup();
    transport.hold(1);
    const first = tracked(transport.sendAfterAnswer(1, event(1)));
    await settle();
    expect(first.settled).toBe(false);
    expect(received).toEqual([]);
    await transport.send(answer(1));
    await waitFor(() => first.settled, "the held event's producer to go on");
    expect(received).toEqual([answer(1), event(1)]);
  });
});

describe("SessionTransport, the outbound policy", () => {
  it("drops best-effort messages while the client is behind, counts them, and reports them once when it reads again", async () => {
    const gauge = new TestGauge();
    const { transport, received, dropped } = await setup(gauge);
    expect(transport.offer("server_events", event(1))).toBeDefined();
    gauge.stall();
    expect(transport.offer("server_events", event(2))).toBeUndefined();
    expect(transport.offer("logs", event(3))).toBeUndefined();
    expect(transport.offer("heartbeats", event(4))).toBeUndefined();
    expect(transport.offer("server_events", event(5))).toBeUndefined();
    // Task events are never dropped: they wait for the client instead.
    const update = tracked(transport.sendAfterAnswer(9, event(6)));
    await settle();
    expect(update.settled).toBe(false);
    expect(dropped).toEqual([]);
    gauge.resume();
    await waitFor(() => update.settled && dropped.length === 1, "the client to read again");
    expect(dropped).toEqual([{ server_events: 2, logs: 1, heartbeats: 1 }]);
    expect(received.map((m) => (m as unknown as { params: { n: number } }).params.n)).toEqual([1, 6]);
  });

  it("bounds the best-effort messages a held call may queue, and reports the rest once it is released", async () => {
    const { transport, received, dropped } = await setup();
    transport.hold(1);
    for (let n = 0; n < MAX_HELD_BEST_EFFORT + 5; n++) void transport.offer("server_events", event(n), undefined, 1);
    await settle();
    expect(dropped).toEqual([]);
    await transport.send(answer(1));
    await waitFor(() => dropped.length === 1, "the drop notice");
    expect(dropped).toEqual([{ server_events: 5, logs: 0, heartbeats: 0 }]);
    await waitFor(() => received.length === MAX_HELD_BEST_EFFORT + 1, "the queued events");
  });
});
