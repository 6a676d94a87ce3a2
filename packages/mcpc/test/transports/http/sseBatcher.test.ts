import { describe, expect, it } from "vitest";
import { setImmediate as nextTurn } from "node:timers/promises";
import { SseBatcher } from "../../../src/transports/http/sseBatcher.js";

type Controller = ReadableStreamDefaultController<Uint8Array>;

/** A batcher whose chunks are recorded, as text, per stream. */
function recording(clock: { now: number } = { now: 0 }): { batcher: SseBatcher; chunks: Map<Controller, string[]> } {
  const chunks = new Map<Controller, string[]>();
  const batcher = new SseBatcher((controller, chunk) => {
    const list = chunks.get(controller) ?? [];
    list.push(Buffer.from(chunk).toString("utf8"));
    chunks.set(controller, list);
  }, { now: () => clock.now });
  return { batcher, chunks };
}

const stream = (): Controller => ({}) as Controller;

describe("SseBatcher", () => {
  it("joins the events of one turn into one chunk per stream, in order, sent at the end of the turn", async () => {
    const { batcher, chunks } = recording();
    const a = stream();
    const b = stream();
    batcher.add(a, "1\n\n");
    batcher.add(b, "x\n\n");
    batcher.add(a, "2\n\n");
    expect(chunks.size).toBe(0);
    await nextTurn();
    expect(chunks.get(a)).toEqual(["1\n\n2\n\n"]);
    expect(chunks.get(b)).toEqual(["x\n\n"]);
  });

  it("flush sends one stream's batch at once, and only that one", () => {
    const { batcher, chunks } = recording();
    const a = stream();
    const b = stream();
    batcher.add(a, "1\n\n");
    batcher.add(b, "x\n\n");
    batcher.flush(a);
    expect(chunks.get(a)).toEqual(["1\n\n"]);
    expect(chunks.has(b)).toBe(false);
    batcher.flushAll();
    expect(chunks.get(b)).toEqual(["x\n\n"]);
  });

  it("sends a batch once 64 KiB have gathered, without waiting for the end of the turn", () => {
    const { batcher, chunks } = recording();
    const a = stream();
    const event = `data: ${"z".repeat(1000)}\n\n`;
    for (let i = 0; i < 70; i++) batcher.add(a, event);
    const sent = chunks.get(a) ?? [];
    expect(sent.length).toBe(1);
    expect(sent[0]?.length).toBeGreaterThanOrEqual(64 * 1024);
  });

  it("does not hold an event past 1 ms in a turn that keeps producing", () => {
    const clock = { now: 0 };
    const { batcher, chunks } = recording(clock);
    const a = stream();
    batcher.add(a, "first\n\n");
    clock.now = 0.9;
    batcher.add(a, "second\n\n");
    expect(chunks.has(a)).toBe(false);
    clock.now = 1;
    batcher.add(a, "third\n\n");
    expect(chunks.get(a)).toEqual(["first\n\nsecond\n\nthird\n\n"]);
  });

  it("keeps multi-byte text whole", async () => {
    const { batcher, chunks } = recording();
    const a = stream();
    batcher.add(a, "data: \"é😀\"\n\n");
    await nextTurn();
    expect(chunks.get(a)).toEqual(["data: \"é😀\"\n\n"]);
  });
});
