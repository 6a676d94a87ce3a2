import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { CoalescingWriter, MAX_WRITE, type RawOutput } from "../../src/transports/coalescingWriter.js";

/** A fake stdout: records each real write; `full` makes write return false until `drain()`; `broken` fails writes (EPIPE). */
class FakeOut extends EventEmitter implements RawOutput {
  writes: string[] = [];
  full = false;
  broken: Error | undefined;
  write(chunk: string, callback?: (error?: Error | null) => void): boolean {
    const broken = this.broken;
    if (!broken) this.writes.push(chunk);
    if (callback) setImmediate(() => callback(broken ?? null));
    return !this.full && !broken;
  }
  drain(): void {
    this.full = false;
    this.emit("drain");
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("CoalescingWriter", () => {
  it("writes a lone message at once and joins a burst into one real write at the end of the turn, in order", async () => {
    const out = new FakeOut();
    let clock = 0;
    const writer = new CoalescingWriter(out, { now: () => clock });
    expect(writer.write("a\n")).toBe(true);
    expect(out.writes).toEqual(["a\n"]);
    expect(writer.write("b\n")).toBe(true);
    expect(writer.write("c\n")).toBe(true);
    expect(writer.write("d\n")).toBe(true);
    expect(out.writes).toEqual(["a\n"]);
    await tick();
    expect(out.writes).toEqual(["a\n", "b\nc\nd\n"]);
    // After a quiet moment a message is lone again: out at once; one close behind it starts a burst.
    clock += 1;
    writer.write("e\n");
    expect(out.writes).toEqual(["a\n", "b\nc\nd\n", "e\n"]);
    writer.write("f\n");
    expect(out.writes).toHaveLength(3);
    await tick();
    expect(out.writes).toEqual(["a\n", "b\nc\nd\n", "e\n", "f\n"]);
  });

  it("schedules nothing for lone messages: a stream at ~1,000 events/s costs no extra turn of the event loop", async () => {
    const out = new FakeOut();
    let clock = 0;
    const writer = new CoalescingWriter({ write: (chunk) => out.write(chunk), once: (event, listener) => out.once(event, listener) }, { now: () => clock });
    const immediates = vi.spyOn(globalThis, "setImmediate");
    try {
      for (let i = 0; i < 100; i++) {
        clock += 1;
        writer.write(`${i}\n`);
      }
      expect(immediates).not.toHaveBeenCalled();
      expect(out.writes).toHaveLength(100);
      // A burst schedules one, not one per message.
      for (let i = 0; i < 100; i++) writer.write(`burst ${i}\n`);
      expect(immediates).toHaveBeenCalledTimes(1);
    } finally {
      immediates.mockRestore();
    }
    await tick();
    expect(out.writes).toHaveLength(101);
    expect(out.writes[100]).toBe(Array.from({ length: 100 }, (_, i) => `burst ${i}\n`).join(""));
  });

  it("writes at once when a pipe's worth has gathered", async () => {
    const out = new FakeOut();
    const writer = new CoalescingWriter(out, { flushAt: 4, now: () => 0 });
    writer.write("first");
    writer.write("ab");
    expect(out.writes).toEqual(["first"]);
    writer.write("cd");
    expect(out.writes).toEqual(["first", "abcd"]);
    await tick();
  });

  it("keeps the backpressure contract: false while full, one 'drain' for every waiter, nothing lost", async () => {
    const out = new FakeOut();
    const writer = new CoalescingWriter(out, { flushAt: 1 });
    out.full = true;
    expect(writer.write("1\n")).toBe(false); // written out, and the stream said full
    let released = 0;
    for (let i = 2; i <= 1_000; i++) {
      expect(writer.write(`${i}\n`)).toBe(false);
      writer.once("drain", () => released++);
    }
    // One listener on the real stream, however many waiters.
    expect(out.listenerCount("drain")).toBe(1);
    expect(released).toBe(0);
    out.drain();
    expect(released).toBe(999);
    const all = out.writes.join("").split("\n").filter(Boolean).map(Number);
    expect(all).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
    expect(writer.write("next\n")).toBe(true);
    await tick();
  });

  it("flush() writes what is gathered and resolves once the stream took it", async () => {
    const out = new FakeOut();
    const writer = new CoalescingWriter(out);
    writer.write("last\n");
    await writer.flush();
    expect(out.writes.join("")).toBe("last\n");
    expect(writer.pendingLength).toBe(0);
  });

  it("flush() while full waits for the drain", async () => {
    const out = new FakeOut();
    const writer = new CoalescingWriter(out, { flushAt: 1 });
    out.full = true;
    writer.write("a\n");
    writer.write("b\n");
    let flushed = false;
    const done = writer.flush().then(() => (flushed = true));
    await tick();
    expect(flushed).toBe(false);
    out.drain();
    await done;
    expect(out.writes.join("")).toBe("a\nb\n");
  });

  it("after a failed write (EPIPE) drops everything, releases every waiter, resolves flush() and reports once", async () => {
    const out = new FakeOut();
    const reasons: string[] = [];
    const writer = new CoalescingWriter(out, { flushAt: 1, onBroken: (error) => reasons.push(error.message) });
    out.full = true;
    writer.write("a\n");
    let released = 0;
    for (let i = 0; i < 100; i++) {
      writer.write(`${i}\n`);
      writer.once("drain", () => released++);
    }
    const flushed = writer.flush();
    // The client closes its end: the write in flight fails.
    out.broken = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    writer.fail(out.broken);
    writer.fail(out.broken);
    await flushed;
    expect(released).toBe(100);
    expect(reasons).toEqual(["write EPIPE"]);
    expect(writer.broken).toBe(true);
    expect(writer.write("later\n")).toBe(true);
    expect(writer.pendingLength).toBe(0);
    await writer.flush();
    expect(out.writes).toEqual(["a\n"]);
  });

  it("notices a failed write by its callback, without anyone calling fail()", async () => {
    const out = new FakeOut();
    let broken = 0;
    const writer = new CoalescingWriter(out, { onBroken: () => broken++ });
    out.broken = new Error("write EPIPE");
    writer.write("a\n");
    await tick();
    expect(broken).toBe(1);
    expect(writer.write("b\n")).toBe(true);
    await writer.flush();
  });

  it("is congested past maxQueuedBytes until the client has read everything, and writable() is one promise for all", async () => {
    const out = new FakeOut();
    const writer = new CoalescingWriter(out, { flushAt: 1, maxQueuedBytes: 100 });
    out.full = true;
    writer.write("x".repeat(10));
    expect(writer.congested()).toBe(false);
    await writer.writable();
    for (let i = 0; i < 20; i++) writer.write("y".repeat(10));
    expect(writer.congested()).toBe(true);
    expect(writer.writable()).toBe(writer.writable());
    let resumed = false;
    const resumes = writer.writable().then(() => (resumed = true));
    await tick();
    expect(resumed).toBe(false);
    out.drain();
    await resumes;
    expect(writer.congested()).toBe(false);
    expect(out.writes.join("")).toBe("x".repeat(10) + "y".repeat(200));
  });

  it("writes a backlog in chunks of at most MAX_WRITE, and only while the stream takes them (never one huge string)", () => {
    const out = new FakeOut();
    const writer = new CoalescingWriter(out, { flushAt: 1 });
    out.full = true;
    writer.write("first\n");
    const line = `${"z".repeat(1_000)}\n`;
    const lines = Math.ceil((3 * MAX_WRITE) / line.length);
    for (let i = 0; i < lines; i++) writer.write(line);
    // The stream takes one chunk, then says full again: the rest waits here.
    out.full = false;
    out.write = function (this: FakeOut, chunk: string) {
      this.writes.push(chunk);
      return false;
    };
    out.emit("drain");
    expect(out.writes).toHaveLength(2);
    expect(out.writes[1]?.length).toBeLessThanOrEqual(MAX_WRITE);
    expect(writer.pendingLength).toBeGreaterThan(MAX_WRITE);
    out.write = function (this: FakeOut, chunk: string) {
      this.writes.push(chunk);
      return true;
    };
    out.emit("drain");
    expect(writer.pendingLength).toBe(0);
    expect(Math.max(...out.writes.map((w) => w.length))).toBeLessThanOrEqual(MAX_WRITE);
    expect(out.writes.join("")).toBe("first\n" + line.repeat(lines));
  });
});
