/* eslint-disable require-yield -- a task that only waits and returns, never yielding, is a case under test here. */
import { describe, expect, it } from "vitest";
import { type TaskEvent } from "../../src/tasks/taskRegistry.js";
import { waitFor } from "../support/async.js";
import { makeRegistry, rejection, spec, testGate, tracker, waiting } from "../support/registry.js";

describe("TaskRegistry events", () => {
  it("start() delivers created (seq 1) before it resolves and before the generator body runs", async () => {
    const registry = makeRegistry();
    const t = tracker();
    let eventsWhenBodyRan: TaskEvent[] | undefined;
    const started = registry.start(
      spec(t, async function* () {
        eventsWhenBodyRan = [...t.events];
        yield "working";
        return 1;
      }),
    );
    const snap = await started;
    expect(t.events[0]).toEqual({ event: "created", seq: 1, payload: null });
    expect(snap.seq).toBeGreaterThanOrEqual(1);
    await t.ended();
    expect(eventsWhenBodyRan).toEqual([{ event: "created", seq: 1, payload: null }]);
  });

  it("turns each yield into an update with the next seq and the return value into complete", async () => {
    const registry = makeRegistry();
    const t = tracker();
    await registry.start(
      spec(t, async function* () {
        yield "first";
        yield { progress: 1, total: 2 };
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield 3;
        return { ok: true };
      }),
    );
    await t.ended();
    expect(t.events).toEqual([
      { event: "created", seq: 1, payload: null },
      { event: "update", seq: 2, payload: "first" },
      { event: "update", seq: 3, payload: { progress: 1, total: 2 } },
      { event: "update", seq: 4, payload: 3 },
      { event: "complete", seq: 5, payload: { ok: true } },
    ]);
  });

  it("ends a generator that throws with one failed event carrying the error message", async () => {
    const registry = makeRegistry();
    const t = tracker();
    await registry.start(
      spec(t, async function* () {
        yield "about to fail";
        throw new Error("disk full");
      }),
    );
    await t.ended();
    expect(t.events.map((e) => [e.event, e.seq])).toEqual([
      ["created", 1],
      ["update", 2],
      ["failed", 3],
    ]);
    expect(t.events[2]?.payload).toBe("disk full");
  });

  it("ends a task whose run function throws before making a generator as failed", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const { task_id } = await registry.start(
      spec(t, () => {
        throw new Error("bad arguments");
      }),
    );
    await t.ended();
    expect(t.terminals()).toEqual([{ event: "failed", seq: 2, payload: "bad arguments" }]);
    expect((await registry.get("s1", task_id)).status).toBe("failed");
  });

  it("completes a generator that returns nothing with a null result", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const { task_id } = await registry.start(spec(t, async function* () {}));
    await t.ended();
    expect(t.events.at(-1)).toEqual({ event: "complete", seq: 2, payload: null });
    expect((await registry.get("s1", task_id)).result).toBeNull();
  });

  it("passes the task id and an unaborted signal to the run function", async () => {
    const registry = makeRegistry();
    const t = tracker();
    let seen: { taskId: string; aborted: boolean } | undefined;
    await registry.start(
      spec(
        t,
        async function* ({ taskId, signal }) {
          seen = { taskId, aborted: signal.aborted };
        },
        { taskId: "client-chosen" },
      ),
    );
    await t.ended();
    expect(seen).toEqual({ taskId: "client-chosen", aborted: false });
  });
});

describe("TaskRegistry check and list", () => {
  it("get() reports status, seq, last update and timestamps while a task runs, then its result", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const g = testGate();
    const before = Date.now();
    const { task_id } = await registry.start(
      spec(t, async function* () {
        yield { step: 1 };
        await g.promise;
        return "the result";
      }),
    );
    await waitFor(() => t.events.length === 2, "the first update");

    const running = await registry.get("s1", task_id);
    expect(running).toMatchObject({ task_id, tool_name: "tool", status: "working", seq: 2, last_update: { step: 1 } });
    expect(running.created_at).toBeGreaterThanOrEqual(before);
    expect(running.updated_at).toBeGreaterThanOrEqual(running.created_at);
    expect(running.finished_at).toBeUndefined();
    expect(running.result).toBeUndefined();
    expect(running).not.toHaveProperty("owner");
    expect(running).not.toHaveProperty("expires_at");

    g.open();
    await t.ended();
    const done = await registry.get("s1", task_id);
    expect(done).toMatchObject({ status: "completed", seq: 3, result: "the result", last_update: { step: 1 } });
    expect(done.error).toBeUndefined();
    expect(done.finished_at).toBeGreaterThanOrEqual(done.created_at);
    expect(done.updated_at).toBe(done.finished_at);
  });

  it("get() of a failed task carries the error message and no result", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const { task_id } = await registry.start(
      spec(t, async function* () {
        throw new TypeError("no such file");
      }),
    );
    await t.ended();
    const snap = await registry.get("s1", task_id);
    expect(snap).toMatchObject({ status: "failed", seq: 2, error: "no such file" });
    expect(snap.result).toBeUndefined();
    expect(snap.finished_at).toBeTypeOf("number");
  });

  it("get() returns a copy that later events do not change", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const g = testGate();
    const { task_id } = await registry.start(spec(t, waiting(g, 7)));
    const first = await registry.get("s1", task_id);
    g.open();
    await t.ended();
    expect(first.status).toBe("working");
    expect((await registry.get("s1", task_id)).status).toBe("completed");
  });

  it("setWaitingForInput() shows input_required while a task waits for its client, then working, without an event", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const g = testGate();
    const { task_id } = await registry.start(spec(t, waiting(g, "answered")));
    const created = await registry.get("s1", task_id);

    registry.setWaitingForInput("s1", task_id, true);
    const asking = await registry.get("s1", task_id);
    expect(asking).toMatchObject({ status: "input_required", seq: 1 });
    expect(asking.updated_at).toBeGreaterThanOrEqual(created.updated_at);
    // Another session cannot touch it.
    registry.setWaitingForInput("s2", task_id, false);
    expect((await registry.get("s1", task_id)).status).toBe("input_required");

    registry.setWaitingForInput("s1", task_id, false);
    expect((await registry.get("s1", task_id)).status).toBe("working");
    expect(t.events.map((e) => e.event)).toEqual(["created"]);

    g.open();
    await t.ended();
    // An ended task keeps its terminal status; an unknown id is ignored.
    registry.setWaitingForInput("s1", task_id, true);
    registry.setWaitingForInput("s1", "no-such-task", true);
    expect((await registry.get("s1", task_id)).status).toBe("completed");
  });

  it("list() shows only the owner's tasks, oldest first", async () => {
    const registry = makeRegistry();
    const t = tracker();
    await registry.start(spec(t, async function* () {}, { taskId: "a" }));
    await registry.start(spec(t, async function* () {}, { taskId: "b" }));
    await registry.start(spec(t, async function* () {}, { taskId: "c", owner: "s2" }));
    expect((await registry.list("s1")).map((s) => s.task_id)).toEqual(["a", "b"]);
    expect((await registry.list("s2")).map((s) => s.task_id)).toEqual(["c"]);
    expect(await registry.list("nobody")).toEqual([]);
  });

  it("mints a UUID v4 when the client chooses no task id", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const one = await registry.start(spec(t, async function* () {}));
    const two = await registry.start(spec(t, async function* () {}));
    expect(one.task_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(two.task_id).not.toBe(one.task_id);
  });

  it("refuses an empty or overlong client task id with INVALID_ARGUMENT", async () => {
    const registry = makeRegistry();
    const t = tracker();
    expect((await rejection(registry.start(spec(t, async function* () {}, { taskId: "" })))).code).toBe("INVALID_ARGUMENT");
    expect((await rejection(registry.start(spec(t, async function* () {}, { taskId: "x".repeat(257) })))).code).toBe("INVALID_ARGUMENT");
    expect(t.events).toEqual([]);
  });
});
