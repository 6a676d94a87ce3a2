import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { CoalescingWriter, type RawOutput } from "../../src/runtime/coalescingWriter.js";

/** A fake stdout: records each real write; `full` makes write return false until `drain()`. */
class FakeOut extends EventEmitter implements RawOutput {
  writes: string[] = [];
  full = false;
  write(chunk: string, callback?: (error?: Error | null) => void): boolean {
    this.writes.push(chunk);
    if (callback) setImmediate(callback);
    return !this.full;
  }
  drain(): void {
    this.full = false;
    this.emit("drain");
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("CoalescingWriter", () => {
  it("writes the first message of a turn at once and joins the rest of the turn into one real write, in order", async () => {
    const out = new FakeOut();
    const writer = new CoalescingWriter(out);
    expect(writer.write("a\n")).toBe(true);
    expect(out.writes).toEqual(["a\n"]);
    expect(writer.write("b\n")).toBe(true);
    expect(writer.write("c\n")).toBe(true);
    expect(writer.write("d\n")).toBe(true);
    expect(out.writes).toEqual(["a\n"]);
    await tick();
    expect(out.writes).toEqual(["a\n", "b\nc\nd\n"]);
    // A new turn: its first message goes out at once again.
    writer.write("e\n");
    expect(out.writes).toEqual(["a\n", "b\nc\nd\n", "e\n"]);
    await tick();
  });

  it("writes at once when a pipe's worth has gathered", async () => {
    const out = new FakeOut();
    const writer = new CoalescingWriter(out, { flushAt: 4 });
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
});
