import { describe, expect, it } from "vitest";
import type { TaskRecord } from "mcpc/engine";
import { KeySpace } from "../src/keys.js";
import { WriteBuffer, type WriteBatch } from "../src/writeBuffer.js";

const keySpace = new KeySpace("t:");

function record(taskId: string, extra: Partial<TaskRecord> = {}): TaskRecord {
  return { owner: "o", task_id: taskId, tool_name: "tool", status: "working", seq: 0, created_at: 1, updated_at: 1, ...extra };
}

/** A sink that records batches (each with the records' state as serialized then) and can be held or failed. */
function sink() {
  const batches: { records: { id: string; seq: number }[]; events: { id: string; seq: number }[] }[] = [];
  let hold: { promise: Promise<void>; open: () => void } | undefined;
  let failures = 0;
  return {
    batches,
    holdNext() {
      let open: () => void = () => undefined;
      const promise = new Promise<void>((resolve) => (open = resolve));
      hold = { promise, open };
      return open;
    },
    failNext(times: number) {
      failures = times;
    },
    write: async (batch: WriteBatch): Promise<void> => {
      batches.push({
        records: batch.records.map(({ record }) => ({ id: record.task_id, seq: record.seq })),
        events: batch.events.map((event) => ({ id: event.keys.taskId, seq: event.seq })),
      });
      const held = hold;
      hold = undefined;
      if (held) await held.promise;
      if (failures > 0) {
        failures--;
        throw new Error("connection lost");
      }
    },
  };
}

function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (check()) resolve();
      else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 2);
    };
    poll();
  });
}

const OPTIONS = { intervalMs: 20, maxEvents: 100, maxChars: 1_000_000 };

describe("WriteBuffer", () => {
  it("coalesces a burst of saves of one task into one write of its latest state, with every event in order", async () => {
    const s = sink();
    const buffer = new WriteBuffer(OPTIONS, s.write);
    const r = record("a");
    const keys = keySpace.of(r);
    for (let seq = 1; seq <= 50; seq++) {
      r.seq = seq;
      expect(buffer.event(keys, r, seq, "update", String(seq), false)).toBeUndefined();
      expect(buffer.record(keys, r, false)).toBeUndefined();
    }
    expect(await buffer.flush(1_000)).toBe(true);
    expect(s.batches).toHaveLength(1);
    expect(s.batches[0]?.records).toEqual([{ id: "a", seq: 50 }]);
    expect(s.batches[0]?.events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    buffer.close();
  });

  it("writes an urgent state on the next turn without waiting for the interval", async () => {
    const s = sink();
    const buffer = new WriteBuffer({ ...OPTIONS, intervalMs: 60_000 }, s.write);
    const r = record("a", { status: "completed" });
    void buffer.record(keySpace.of(r), r, true);
    await new Promise((resolve) => setImmediate(resolve));
    await until(() => s.batches.length === 1, "the urgent write");
    buffer.close();
  });

  it("keeps one write in flight; what comes meanwhile goes in the next one", async () => {
    const s = sink();
    const buffer = new WriteBuffer(OPTIONS, s.write);
    const a = record("a");
    const b = record("b");
    const open = s.holdNext();
    void buffer.record(keySpace.of(a), a, true);
    await until(() => s.batches.length === 1, "the first write");
    void buffer.record(keySpace.of(b), b, true);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(s.batches).toHaveLength(1);
    open();
    await until(() => s.batches.length === 2, "the second write");
    expect(s.batches[1]?.records).toEqual([{ id: "b", seq: 0 }]);
    buffer.close();
  });

  it("past maxEvents an update gets a promise that settles once the backlog is down to half; urgent writes never wait", async () => {
    const s = sink();
    const buffer = new WriteBuffer({ ...OPTIONS, maxEvents: 10 }, s.write);
    const r = record("a");
    const keys = keySpace.of(r);
    const open = s.holdNext();
    void buffer.event(keys, r, 1, "created", "null", true);
    await until(() => s.batches.length === 1, "the first write in flight");
    const results: (void | Promise<void>)[] = [];
    for (let seq = 2; seq <= 11; seq++) results.push(buffer.event(keys, r, seq, "update", "1", false));
    expect(results.slice(0, 8).every((result) => result === undefined)).toBe(true);
    const held = results[9];
    expect(held).toBeInstanceOf(Promise);
    expect(buffer.event(keys, r, 12, "complete", "1", true)).toBeUndefined();
    let released = false;
    void held?.then(() => (released = true));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(false);
    open();
    await until(() => released, "the writers to be released");
    expect(await buffer.flush(1_000)).toBe(true);
    expect(s.batches.flatMap((batch) => batch.events.map((e) => e.seq))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    buffer.close();
  });

  it("puts a failed write back in front and retries it, so every event arrives once and in order", async () => {
    const s = sink();
    const buffer = new WriteBuffer({ ...OPTIONS, intervalMs: 0 }, s.write);
    const r = record("a");
    const keys = keySpace.of(r);
    s.failNext(2);
    void buffer.event(keys, r, 1, "created", "null", true);
    await until(() => s.batches.length >= 1, "the first attempt");
    void buffer.event(keys, r, 2, "update", "2", false);
    expect(await buffer.flush(3_000)).toBe(true);
    const delivered = s.batches.at(-1)?.events.map((e) => e.seq);
    expect(delivered).toEqual([1, 2]);
    expect(s.batches.length).toBeGreaterThanOrEqual(3);
    buffer.close();
  });

  it("a task forgotten while its write is in flight is not brought back by a retry", async () => {
    const s = sink();
    const buffer = new WriteBuffer({ ...OPTIONS, intervalMs: 0 }, s.write);
    const a = record("a");
    const b = record("b");
    s.failNext(1);
    const open = s.holdNext();
    void buffer.event(keySpace.of(a), a, 1, "created", "null", true);
    void buffer.event(keySpace.of(b), b, 1, "created", "null", true);
    await until(() => s.batches.length === 1, "the first attempt");
    buffer.forget(keySpace.of(a));
    open();
    expect(await buffer.flush(3_000)).toBe(true);
    expect(s.batches.at(-1)).toEqual({ records: [{ id: "b", seq: 0 }], events: [{ id: "b", seq: 1 }] });
    buffer.close();
  });

  it("answers with its own pending writes: the record object and the events after a seq", () => {
    const buffer = new WriteBuffer({ ...OPTIONS, intervalMs: 60_000 }, sink().write);
    const r = record("a");
    const keys = keySpace.of(r);
    void buffer.event(keys, r, 1, "created", "null", false);
    void buffer.event(keys, r, 2, "update", '"x"', false);
    expect(buffer.pendingRecord(keys.record)).toBe(r);
    expect(buffer.pendingEvents(keys.events, 1).map((e) => e.json)).toEqual(['"x"']);
    buffer.close();
  });

  it("flush() gives up after its timeout while the sink cannot write, and close() releases waiting writers", async () => {
    const s = sink();
    const buffer = new WriteBuffer({ ...OPTIONS, maxEvents: 1 }, s.write);
    const r = record("a");
    s.failNext(1_000);
    const held = buffer.event(keySpace.of(r), r, 1, "update", "1", false);
    expect(held).toBeInstanceOf(Promise);
    expect(await buffer.flush(100)).toBe(false);
    buffer.close();
    await held;
  });
});
