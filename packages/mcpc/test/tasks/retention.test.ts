/* eslint-disable require-yield -- a task that returns at once is a case under test. */
import { describe, expect, it } from "vitest";
import { expiryOf } from "../../src/tasks/retention.js";
import type { TaskRecord } from "../../src/tasks/taskStore.js";
import { makeRegistry, spec, testGate, tracker, waiting } from "../support/registry.js";

const record = (extra: Partial<TaskRecord> = {}): TaskRecord => ({
  owner: "s1",
  task_id: "t1",
  tool_name: "tool",
  status: "working",
  seq: 1,
  created_at: 1_000_000,
  updated_at: 1_000_000,
  ...extra,
});

describe("retention of finished records", () => {
  it("keeps a task without a retention of its own ttlMs after its end", () => {
    expect(expiryOf(record(), 1_005_000, 3_600_000)).toBe(1_005_000 + 3_600_000);
  });

  it("keeps a task with its own ttl until created + ttl, and at least min(ttl, 1 min) after its end", () => {
    // Ended early: the ttl from creation decides.
    expect(expiryOf(record({ ttl_ms: 600_000 }), 1_010_000, 3_600_000)).toBe(1_600_000);
    // Ran past its ttl: a minute after the end, so a poller still reads the result.
    expect(expiryOf(record({ ttl_ms: 600_000 }), 1_900_000, 3_600_000)).toBe(1_960_000);
    // A ttl shorter than a minute: that long after the end.
    expect(expiryOf(record({ ttl_ms: 5_000 }), 1_100_000, 3_600_000)).toBe(1_105_000);
  });

  it("a task started with ttlMs carries it as ttl_ms, and is unknown once past its expiry, before any sweep", async () => {
    const registry = makeRegistry();
    const t = tracker();
    await registry.start(spec(t, async function* () { return "done"; }, { taskId: "short", ttlMs: 30 })); // prettier-ignore
    await t.ended();
    expect((await registry.get("s1", "short")).ttl_ms).toBe(30);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(registry.get("s1", "short")).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    expect((await registry.listPage("s1")).tasks).toEqual([]);
  });
});

describe("TaskRegistry.whenEnded and onStatus", () => {
  it("resolves when the task ends, at once for an ended one, and rejects when the waiter's signal aborts", async () => {
    const registry = makeRegistry();
    const g = testGate();
    const t = tracker();
    await registry.start(spec(t, waiting(g), { taskId: "w" }));
    let ended = false;
    const waiter = registry.whenEnded("s1", "w").then(() => (ended = true));
    const gone = new AbortController();
    const aborted = registry.whenEnded("s1", "w", gone.signal);
    gone.abort(new Error("the request was cancelled"));
    await expect(aborted).rejects.toThrow("the request was cancelled");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ended).toBe(false);
    g.open();
    await waiter;
    expect(t.terminals().map((e) => e.event)).toEqual(["complete"]);
    await registry.whenEnded("s1", "w");
    await registry.whenEnded("s1", "nobody-knows");
  });

  it("reports input_required and working again through onStatus, once per change", async () => {
    const registry = makeRegistry();
    const g = testGate();
    const t = tracker();
    const statuses: string[] = [];
    await registry.start(spec(t, waiting(g), { taskId: "q", onStatus: (status) => statuses.push(status) }));
    registry.setWaitingForInput("s1", "q", true);
    registry.setWaitingForInput("s1", "q", true);
    expect((await registry.get("s1", "q")).status).toBe("input_required");
    registry.setWaitingForInput("s1", "q", false);
    expect(statuses).toEqual(["input_required", "working"]);
    g.open();
  });
});
