/** The dashboard's small pieces: the feed's ring, and how a task snapshot becomes a row. */
import { describe, expect, it } from "vitest";
import { Feed } from "../../src/dashboard/feed.js";
import { progressOf, taskRowOf, textOf } from "../../src/dashboard/taskRow.js";

describe("the feed", () => {
  it("keeps only the newest entries, counts what a page missed, and serialises a payload only when sent", () => {
    const feed = new Feed(4);
    let serialised = 0;
    const payload = { toJSON: () => (serialised++, { n: 1 }) };
    for (let i = 1; i <= 10; i++) feed.add({ kind: "server_event", server: 0, at: i, name: `e${i}` }, payload);
    expect(serialised).toBe(0);
    const { entries, skipped } = feed.since(0, 50);
    expect(entries.map((entry) => entry.name)).toEqual(["e7", "e8", "e9", "e10"]);
    expect(skipped).toBe(6);
    expect(serialised).toBe(4);
    expect(entries[0]?.payload).toBe('{"n":1}');
    expect(feed.since(8, 50).entries.map((entry) => entry.seq)).toEqual([9, 10]);
    expect(feed.since(0, 2)).toMatchObject({ entries: [{ seq: 9 }, { seq: 10 }], skipped: 8 });
    expect(feed.since(10, 50)).toEqual({ entries: [], skipped: 0 });
  });
});

describe("a task row", () => {
  const base = { task_id: "t1", tool_name: "count", seq: 3, created_at: 1_000, updated_at: 2_000 } as const;

  it("takes progress and total from an update that carries them, and its message as the latest text", () => {
    const row = taskRowOf({ ...base, status: "working", last_update: { progress: 2, total: 5, message: "step 2/5" } }, 7, "owner", 0);
    expect(row).toEqual({ id: 7, task: "t1", tool: "count", owner: "owner", server: 0, status: "working", seq: 3, progress: 2, total: 5, update: "step 2/5", created: 1_000, updated: 2_000 });
    expect(progressOf({ progress: 3 })).toEqual({ progress: 3 });
    expect(progressOf({ progress: 3, total: 0 })).toEqual({ progress: 3 });
    expect(progressOf({ progress: Number.NaN })).toBeUndefined();
    expect(progressOf("50%")).toBeUndefined();
  });

  it("shows the result or the error of an ended task, cut to a bounded length", () => {
    expect(taskRowOf({ ...base, status: "completed", result: { ok: true }, finished_at: 3_000 }, 1, "o", 0)).toMatchObject({ outcome: '{"ok":true}', finished: 3_000 });
    expect(taskRowOf({ ...base, status: "cancelled", error: "Stopped from the dashboard" }, 1, "o", 0).outcome).toBe("Stopped from the dashboard");
    expect(textOf("x".repeat(1_000))).toHaveLength(240);
    expect(textOf({ a: "y".repeat(1_000) }).endsWith("…")).toBe(true);
  });
});
