import { describe, expect, it } from "vitest";
import { ProgressCounter } from "../../src/call/progress.js";

describe("ProgressCounter", () => {
  it("reads a first yield without numbers as 0, then the tool's own numbers", () => {
    const counter = new ProgressCounter();
    expect(counter.next("Starting…")).toEqual({ progress: 0, message: "Starting…" });
    expect(counter.next({ progress: 1, total: 5, message: "step 1/5" })).toEqual({ progress: 1, total: 5, message: "step 1/5" });
    expect(counter.next({ progress: 2, total: 5, message: "step 2/5" })).toEqual({ progress: 2, total: 5, message: "step 2/5" });
  });

  it("uses a tool's first own progress as is, even 0", () => {
    const counter = new ProgressCounter();
    expect(counter.next({ progress: 0, total: 3 }).progress).toBe(0);
    expect(counter.next("then text").progress).toBe(1);
  });

  it("counts on by one when the tool's own progress would not increase", () => {
    const counter = new ProgressCounter();
    expect(counter.next({ progress: 5 }).progress).toBe(5);
    expect(counter.next({ progress: 5 }).progress).toBe(6);
    expect(counter.next({ progress: 2 }).progress).toBe(7);
    expect(counter.next(3).progress).toBe(8);
    expect(counter.next(20).progress).toBe(20);
  });

  it("takes a number yield as the progress itself", () => {
    const counter = new ProgressCounter();
    expect(counter.next(0.5)).toEqual({ progress: 0.5 });
    expect(counter.next(0.75)).toEqual({ progress: 0.75 });
  });

  it("ignores non-finite progress and total values", () => {
    const counter = new ProgressCounter();
    expect(counter.next({ progress: Number.NaN, total: Number.POSITIVE_INFINITY, message: "odd" })).toEqual({ progress: 0, message: "odd" });
    expect(counter.next({ progress: Number.POSITIVE_INFINITY, message: "odder" })).toEqual({ progress: 1, message: "odder" });
  });

  it("keeps the last total and message for yields that do not repeat them", () => {
    const counter = new ProgressCounter();
    counter.next({ progress: 1, total: 4, message: "downloading" });
    expect(counter.next({ progress: 2 })).toEqual({ progress: 2, total: 4, message: "downloading" });
  });

  it("uses status as the message when there is no message, and JSON for other objects", () => {
    const counter = new ProgressCounter();
    expect(counter.next({ status: "queued" }).message).toBe("queued");
    expect(counter.next({ rows: 10 }).message).toBe('{"rows":10}');
  });

  it("makes a heartbeat a thousandth further on, keeping the message and total", () => {
    const counter = new ProgressCounter();
    counter.next({ progress: 3, total: 10, message: "working" });
    const beat = counter.heartbeat();
    expect(beat.progress).toBeCloseTo(3.001, 10);
    expect(beat).toMatchObject({ total: 10, message: "working" });
    const second = counter.heartbeat();
    expect(second.progress).toBeGreaterThan(beat.progress);
    expect(counter.next({ progress: 4 }).progress).toBe(4);
  });

  it("makes a heartbeat before any yield progress 0 with no message", () => {
    expect(new ProgressCounter().heartbeat()).toEqual({ progress: 0 });
  });

  it("counts every notification it made", () => {
    const counter = new ProgressCounter();
    counter.next("a");
    counter.heartbeat();
    counter.next(7);
    expect(counter.count).toBe(3);
  });

  it("never lets progress decrease or repeat, whatever the tool yields", () => {
    const counter = new ProgressCounter();
    // A fixed pseudo-random mix of strings, numbers, objects and heartbeats.
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 500; i++) {
      const r = random();
      const params =
        r < 0.2
          ? counter.heartbeat()
          : r < 0.4
            ? counter.next(`msg ${i}`)
            : r < 0.7
              ? counter.next(Math.floor(random() * 50))
              : counter.next({ progress: random() * 100, total: 100 });
      expect(params.progress).toBeGreaterThan(last);
      last = params.progress;
    }
  });
});
