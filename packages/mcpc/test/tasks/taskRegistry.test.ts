/* eslint-disable require-yield -- a task that only waits and returns, never yielding, is a case under test here. */
import { describe, expect, it } from "vitest";
import { McpcError } from "../../src/errors.js";
import { STOPPED_REASON, type TaskEvent, type TaskStartSpec } from "../../src/tasks/taskRegistry.js";
import { aborted, settle, waitFor } from "../support/async.js";
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

describe("TaskRegistry stop", () => {
  it("stop() aborts the signal, runs the finally block, emits exactly one cancelled and resolves after it", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const order: string[] = [];
    let reason: unknown;
    const { task_id } = await registry.start(
      spec(t, async function* ({ signal }) {
        try {
          yield "started";
          await aborted(signal);
          reason = signal.reason;
          yield "never delivered";
        } finally {
          order.push("finally");
        }
      }),
    );
    await waitFor(() => t.events.length === 2, "the first update");

    const answer = await registry.stop("s1", task_id);
    order.push("stop resolved");

    expect(order).toEqual(["finally", "stop resolved"]);
    expect(reason).toBeInstanceOf(McpcError);
    expect((reason as McpcError).code).toBe("TASK_STOPPED");
    expect(answer.stopped).toBe(true);
    expect(answer.task).toMatchObject({ status: "cancelled", seq: 3, error: STOPPED_REASON });
    expect(t.events.map((e) => e.event)).toEqual(["created", "update", "cancelled"]);
    expect(t.events[2]).toEqual({ event: "cancelled", seq: 3, payload: STOPPED_REASON });
    await settle();
    expect(t.terminals()).toHaveLength(1);
  });

  it("stop() carries its reason into the cancelled event and the snapshot", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const { task_id } = await registry.start(
      spec(t, async function* ({ signal }) {
        await aborted(signal);
      }),
    );
    const { task } = await registry.stop("s1", task_id, "User pressed stop");
    expect(task.error).toBe("User pressed stop");
    expect(t.events.at(-1)).toEqual({ event: "cancelled", seq: 2, payload: "User pressed stop" });
  });

  it("a generator that catches the stop and returns normally still ends cancelled", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const { task_id } = await registry.start(
      spec(t, async function* ({ signal }) {
        await aborted(signal);
        return "pretending to complete";
      }),
    );
    await registry.stop("s1", task_id);
    expect(t.terminals().map((e) => e.event)).toEqual(["cancelled"]);
  });

  it("marks a generator that ignores its signal cancelled after stopGraceMs, and ignores what it does later", async () => {
    const registry = makeRegistry({ stopGraceMs: 50 });
    const t = tracker();
    const stubborn = testGate();
    let finallyRan = false;
    const { task_id } = await registry.start(
      spec(t, async function* () {
        try {
          yield "busy";
          await stubborn.promise;
          yield "still here";
          return "late result";
        } finally {
          finallyRan = true;
        }
      }),
    );
    await waitFor(() => t.events.length === 2, "the first update");

    const startedAt = Date.now();
    const { stopped, task } = await registry.stop("s1", task_id);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
    expect(stopped).toBe(true);
    expect(task.status).toBe("cancelled");
    expect(finallyRan).toBe(false);
    expect(t.events.map((e) => e.event)).toEqual(["created", "update", "cancelled"]);

    stubborn.open();
    await waitFor(() => finallyRan, "the generator's finally block");
    await settle();
    expect(t.events.map((e) => e.event)).toEqual(["created", "update", "cancelled"]);
    expect((await registry.get("s1", task_id)).status).toBe("cancelled");
  });

  it("stopGraceMs: Infinity waits for the generator however long its finally takes", async () => {
    const registry = makeRegistry({ stopGraceMs: Number.POSITIVE_INFINITY });
    const t = tracker();
    const cleanup = testGate();
    const order: string[] = [];
    const { task_id } = await registry.start(
      spec(t, async function* ({ signal }) {
        try {
          await aborted(signal);
        } finally {
          await cleanup.promise;
          order.push("finally");
        }
      }),
    );
    const stopping = registry.stop("s1", task_id).then(() => order.push("stopped"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(t.terminals()).toEqual([]);
    cleanup.open();
    await stopping;
    expect(order).toEqual(["finally", "stopped"]);
  });

  it("stop() on a finished task changes nothing and answers stopped: false", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const { task_id } = await registry.start(spec(t, async function* () {
      return 42;
    }));
    await t.ended();
    const answer = await registry.stop("s1", task_id);
    expect(answer.stopped).toBe(false);
    expect(answer.task).toMatchObject({ status: "completed", result: 42, seq: 2 });
    expect(t.events).toHaveLength(2);
  });

  it("hands a place on past thousands of tasks stopped in line, then runs the next live one", async () => {
    const registry = makeRegistry({ maxRunningPerSession: 1 });
    const g = testGate();
    await registry.start(spec(tracker(), waiting(g)));
    const queued: string[] = [];
    for (let i = 0; i < 9_000; i++) queued.push((await registry.start(spec(tracker(), waiting(testGate())))).task_id);
    const last = tracker();
    let lastRan = false;
    await registry.start(
      spec(last, () => {
        lastRan = true;
        return (async function* () {
          yield "ran";
        })();
      }),
    );
    await Promise.all(queued.map((id) => registry.stop("s1", id)));
    g.open();
    await last.ended();
    expect(lastRan).toBe(true);
    expect(last.events.map((e) => e.event)).toEqual(["created", "update", "complete"]);
  });

  it("stop() of a queued task cancels it without ever running its generator", async () => {
    const registry = makeRegistry({ maxRunningPerSession: 1 });
    const first = tracker();
    const second = tracker();
    const g = testGate();
    await registry.start(spec(first, waiting(g)));
    let secondRan = false;
    const queued = await registry.start(
      spec(second, () => {
        secondRan = true;
        return (async function* () {})();
      }),
    );
    expect(second.events).toEqual([{ event: "created", seq: 1, payload: null }]);

    const answer = await registry.stop("s1", queued.task_id);
    expect(answer).toMatchObject({ stopped: true, task: { status: "cancelled" } });
    expect(second.events.map((e) => e.event)).toEqual(["created", "cancelled"]);

    g.open();
    await first.ended();
    await settle();
    await settle();
    expect(secondRan).toBe(false);
    expect(second.events.map((e) => e.event)).toEqual(["created", "cancelled"]);
  });

  it("stopOwner() cancels every live task of one session and leaves other sessions running", async () => {
    const registry = makeRegistry();
    const mine = [tracker(), tracker()];
    const theirs = tracker();
    const untilStopped: TaskStartSpec["run"] = async function* ({ signal }) {
      await aborted(signal);
    };
    for (const t of mine) await registry.start(spec(t, untilStopped));
    const other = await registry.start(spec(theirs, untilStopped, { owner: "s2" }));
    await registry.stopOwner("s1", "Session closed");
    for (const t of mine) expect(t.terminals()).toEqual([{ event: "cancelled", seq: 2, payload: "Session closed" }]);
    expect(theirs.terminals()).toEqual([]);
    expect((await registry.get("s2", other.task_id)).status).toBe("working");
  });
});

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

describe("TaskRegistry ownership and cleanup", () => {
  it("treats another session's task as unknown to get, stop and cleanup", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const g = testGate();
    const { task_id } = await registry.start(spec(t, waiting(g)));
    for (const attempt of [registry.get("intruder", task_id), registry.stop("intruder", task_id), registry.cleanup("intruder", task_id)]) {
      const error = await rejection(attempt);
      expect(error.code).toBe("UNKNOWN_TASK");
      expect(error.message).toContain(task_id);
    }
    expect(await registry.list("intruder")).toEqual([]);
    expect((await registry.get("s1", task_id)).status).toBe("working");
    expect(t.events).toHaveLength(1);
  });

  it("get, stop and cleanup of a task id nobody has answer UNKNOWN_TASK", async () => {
    const registry = makeRegistry();
    expect((await rejection(registry.get("s1", "nope"))).code).toBe("UNKNOWN_TASK");
    expect((await rejection(registry.stop("s1", "nope"))).code).toBe("UNKNOWN_TASK");
    expect((await rejection(registry.cleanup("s1", "nope"))).code).toBe("UNKNOWN_TASK");
  });

  it("cleanup() removes a finished task and refuses a running one with INVALID_STATE", async () => {
    const registry = makeRegistry();
    const g = testGate();
    const running = tracker();
    const live = await registry.start(spec(running, waiting(g)));
    const error = await rejection(registry.cleanup("s1", live.task_id));
    expect(error.code).toBe("INVALID_STATE");
    expect((await registry.get("s1", live.task_id)).status).toBe("working");

    g.open();
    await running.ended();
    await registry.cleanup("s1", live.task_id);
    expect((await rejection(registry.get("s1", live.task_id))).code).toBe("UNKNOWN_TASK");
    expect((await rejection(registry.cleanup("s1", live.task_id))).code).toBe("UNKNOWN_TASK");
  });

  it("removes finished tasks once ttlMs has passed and keeps running ones", async () => {
    const registry = makeRegistry({ ttlMs: 20 });
    const done = tracker();
    const g = testGate();
    const finished = await registry.start(spec(done, async function* () {}));
    const running = await registry.start(spec(tracker(), waiting(g)));
    await done.ended();
    await waitFor(async () => (await registry.list("s1")).every((s) => s.task_id !== finished.task_id), "the finished task to expire");
    expect((await rejection(registry.get("s1", finished.task_id))).code).toBe("UNKNOWN_TASK");
    expect((await registry.get("s1", running.task_id)).status).toBe("working");
  });
});

describe("TaskRegistry heartbeats", () => {
  it("calls onHeartbeat with the last seq once a task has been silent for heartbeatMs", async () => {
    const registry = makeRegistry({ heartbeatMs: 40 });
    const t = tracker();
    const g = testGate();
    await registry.start(
      spec(t, async function* () {
        yield "one";
        yield "two";
        await g.promise;
      }),
    );
    await waitFor(() => t.heartbeats.length > 0, "a heartbeat");
    expect(t.heartbeats[0]?.seq).toBe(3);
    // Not before heartbeatMs of silence (1 ms of slack: the engine reads the clock just before onEvent does).
    expect((t.heartbeats[0]?.at ?? 0) - (t.eventTimes[2] ?? Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(39);
    expect(t.events).toHaveLength(3);
  });

  it("sends no heartbeat to a task that keeps yielding", async () => {
    const registry = makeRegistry({ heartbeatMs: 60 });
    const t = tracker();
    await registry.start(
      spec(t, async function* () {
        const until = Date.now() + 200;
        while (Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          yield "tick";
        }
      }),
    );
    await t.ended();
    expect(t.events.length).toBeGreaterThan(10);
    expect(t.heartbeats).toEqual([]);
  });

  it("keeps beating while a task stays silent, each time with the same seq", async () => {
    const registry = makeRegistry({ heartbeatMs: 20 });
    const t = tracker();
    const g = testGate();
    await registry.start(spec(t, waiting(g)));
    await waitFor(() => t.heartbeats.length >= 3, "three heartbeats");
    expect(t.heartbeats.slice(0, 3).map((h) => h.seq)).toEqual([1, 1, 1]);
  });
});

describe("TaskRegistry shutdown and options", () => {
  it("shutdown() refuses new tasks with SHUTTING_DOWN and ends every live task with exactly one terminal event", async () => {
    const registry = makeRegistry({ maxRunningPerSession: 2, stopGraceMs: 50 });
    const stubborn = testGate();
    const cooperative = tracker();
    const ignoring = tracker();
    const queued = tracker();
    let cooperativeFinally = false;
    await registry.start(
      spec(cooperative, async function* ({ signal }) {
        try {
          await aborted(signal);
        } finally {
          cooperativeFinally = true;
        }
      }),
    );
    await registry.start(spec(ignoring, waiting(stubborn)));
    let queuedRan = false;
    await registry.start(
      spec(queued, () => {
        queuedRan = true;
        return (async function* () {})();
      }),
    );

    await registry.shutdown("Server shutting down");

    expect(registry.closing).toBe(true);
    expect(registry.liveCount).toBe(0);
    expect(cooperativeFinally).toBe(true);
    for (const t of [cooperative, ignoring, queued]) {
      expect(t.terminals()).toEqual([{ event: "cancelled", seq: 2, payload: "Server shutting down" }]);
    }
    const error = await rejection(registry.start(spec(tracker(), async function* () {})));
    expect(error.code).toBe("SHUTTING_DOWN");
    expect(error.message).toContain('"tool"');

    stubborn.open();
    await settle();
    await settle();
    expect(queuedRan).toBe(false);
    expect(ignoring.terminals()).toHaveLength(1);
  });

  it("a start() that races with shutdown() is refused with SHUTTING_DOWN, never left running", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const starting = registry.start(
      spec(t, async function* ({ signal }) {
        await aborted(signal);
      }),
    );
    await registry.shutdown();
    expect((await rejection(starting)).code).toBe("SHUTTING_DOWN");
    expect(t.events).toEqual([]);
    expect(registry.liveCount).toBe(0);
    expect(await registry.list("s1")).toEqual([]);
  });

  it("shutdown() gives stubborn tasks no more than its deadline", async () => {
    const registry = makeRegistry({ stopGraceMs: 10_000 });
    const t = tracker();
    await registry.start(spec(t, waiting(testGate())));
    const startedAt = Date.now();
    await registry.shutdown("bye", 40);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(t.terminals()).toEqual([{ event: "cancelled", seq: 2, payload: "bye" }]);
  });

  it.each([
    [{ stopGraceMs: -1 }, "stopGraceMs", "milliseconds"],
    [{ maxRunningPerSession: 0 }, "maxRunningPerSession", "tasks"],
    [{ maxRunning: Number.NaN }, "maxRunning", "tasks"],
    [{ heartbeatMs: 0 }, "heartbeatMs", "milliseconds"],
    [{ ttlMs: "60" as unknown as number }, "ttlMs", "milliseconds"],
  ] as const)("refuses the invalid option %o with INVALID_ARGUMENT naming it", (options, name, unit) => {
    let error: unknown;
    try {
      makeRegistry(options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(McpcError);
    expect((error as McpcError).code).toBe("INVALID_ARGUMENT");
    expect((error as McpcError).message).toContain(`"${name}"`);
    expect((error as McpcError).message).toContain(unit);
  });

  it("treats options given as undefined as their defaults", () => {
    expect(() => makeRegistry({ stopGraceMs: undefined, maxRunning: undefined })).not.toThrow();
  });
});
