import { describe, expect, it } from "vitest";
import { PlainEvents } from "../../src/session/plainEvents.js";

describe("PlainEvents (mcpc://events of a plain session)", () => {
  it("keeps the last 100 events, oldest first, and counts every one in version", () => {
    const events = new PlainEvents();
    for (let i = 0; i < 130; i++) events.record("tick", { i });
    const kept = events.recent();
    expect(kept).toHaveLength(100);
    expect(kept[0]).toMatchObject({ event: "tick", payload: { i: 30 } });
    expect(kept.at(-1)).toMatchObject({ event: "tick", payload: { i: 129 } });
    expect(typeof kept[0]?.at).toBe("string");
    expect(events.version).toBe(130);
  });

  it("keeps at most 1 MiB of JSON, always the newest event", () => {
    const events = new PlainEvents();
    const big = "x".repeat(300 * 1024);
    for (let i = 0; i < 5; i++) events.record("big", { i, big });
    expect(events.recent().map((e) => (e.payload as { i: number }).i)).toEqual([2, 3, 4]);
    events.record("huge", "y".repeat(2 * 1024 * 1024));
    expect(events.recent().map((e) => e.event)).toEqual(["huge"]);
  });
});
