/* eslint-disable require-yield -- a task that only waits and returns, never yielding, is a case under test here. */
import { describe, expect, it } from "vitest";
import { McpcError } from "../../src/errors.js";
import { settle } from "../support/async.js";
import { makeRegistry, rejection, spec, testGate, tracker, waiting } from "../support/registry.js";

describe("TaskRegistry limits", () => {
  it("runs at most maxRunningPerSession generators of a session at once and starts the rest as slots free", async () => {
    const registry = makeRegistry({ maxRunningPerSession: 2 });
    const g = testGate();
    let running = 0;
    let peak = 0;
    const startedOrder: number[] = [];
    const trackers = Array.from({ length: 5 }, () => tracker());
    for (const [i, t] of trackers.entries()) {
      await registry.start(
        spec(t, async function* () {
          running++;
          peak = Math.max(peak, running);
          startedOrder.push(i);
          try {
            await g.promise;
          } finally {
            running--;
          }
        }),
      );
    }
    await settle();
    expect(startedOrder).toEqual([0, 1]);
    expect(trackers.map((t) => t.events.length)).toEqual([1, 1, 1, 1, 1]);

    g.open();
    await Promise.all(trackers.map((t) => t.ended()));
    expect(startedOrder).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(trackers.every((t) => t.terminals()[0]?.event === "complete")).toBe(true);
  });

  it("counts the per-session limit per session: another session is not held up", async () => {
    const registry = makeRegistry({ maxRunningPerSession: 1 });
    const g = testGate();
    await registry.start(spec(tracker(), waiting(g)));
    const t = tracker();
    await registry.start(spec(t, async function* () {
      return "other session ran";
    }, { owner: "s2" }));
    await t.ended();
    expect(t.terminals()[0]?.payload).toBe("other session ran");
  });

  it("refuses a start with TASK_LIMIT once maxQueuedPerSession tasks wait in the session", async () => {
    const registry = makeRegistry({ maxRunningPerSession: 1, maxQueuedPerSession: 2 });
    const g = testGate();
    for (let i = 0; i < 3; i++) await registry.start(spec(tracker(), waiting(g)));
    const refused = tracker();
    const error = await rejection(registry.start(spec(refused, waiting(g), { taskId: "one-too-many" })));
    expect(error.code).toBe("TASK_LIMIT");
    expect(error.message).toMatch(/1 running and 2 queued/);
    expect(refused.events).toEqual([]);
    expect((await rejection(registry.get("s1", "one-too-many"))).code).toBe("UNKNOWN_TASK");

    // Another session has its own queue.
    await registry.start(spec(tracker(), waiting(g), { owner: "s2" }));
  });

  it("refuses with TASK_LIMIT when many start() calls arrive at once, never overfilling the queue", async () => {
    const registry = makeRegistry({ maxRunningPerSession: 1, maxQueuedPerSession: 1 });
    const g = testGate();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => registry.start(spec(tracker(), waiting(g), { taskId: `t${i}` }))),
    );
    const refused = results.filter((r) => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(refused.every((r) => r.reason instanceof McpcError && r.reason.code === "TASK_LIMIT")).toBe(true);
    expect(await registry.list("s1")).toHaveLength(2);
  });

  it("runs at most maxRunning generators across all sessions", async () => {
    const registry = makeRegistry({ maxRunning: 2 });
    const g = testGate();
    let running = 0;
    let peak = 0;
    const trackers = Array.from({ length: 4 }, () => tracker());
    for (const [i, t] of trackers.entries()) {
      await registry.start(
        spec(
          t,
          async function* () {
            running++;
            peak = Math.max(peak, running);
            try {
              await g.promise;
            } finally {
              running--;
            }
          },
          { owner: `session-${i}` },
        ),
      );
    }
    await settle();
    expect(running).toBe(2);
    g.open();
    await Promise.all(trackers.map((t) => t.ended()));
    expect(peak).toBe(2);
    expect(trackers.map((t) => t.terminals()[0]?.event)).toEqual(["complete", "complete", "complete", "complete"]);
  });

  it("refuses a duplicate client task id in one session with DUPLICATE_TASK but accepts it in another", async () => {
    const registry = makeRegistry();
    const g = testGate();
    await registry.start(spec(tracker(), waiting(g), { taskId: "job-1" }));
    const dup = tracker();
    const error = await rejection(registry.start(spec(dup, waiting(g), { taskId: "job-1" })));
    expect(error.code).toBe("DUPLICATE_TASK");
    expect(error.message).toContain('"job-1"');
    expect(dup.events).toEqual([]);

    const elsewhere = await registry.start(spec(tracker(), waiting(g), { taskId: "job-1", owner: "s2" }));
    expect(elsewhere.task_id).toBe("job-1");
  });

  it("refuses a reused id even after the first task finished, until it is cleaned up", async () => {
    const registry = makeRegistry();
    const t = tracker();
    await registry.start(spec(t, async function* () {}, { taskId: "again" }));
    await t.ended();
    expect((await rejection(registry.start(spec(tracker(), async function* () {}, { taskId: "again" })))).code).toBe("DUPLICATE_TASK");
    await registry.cleanup("s1", "again");
    await registry.start(spec(tracker(), async function* () {}, { taskId: "again" }));
  });
});
