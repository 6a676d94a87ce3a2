/* eslint-disable require-yield -- a task that only waits and returns, never yielding, is a case under test here. */
import { describe, expect, it } from "vitest";
import { McpcError } from "../../src/errors.js";
import { STOPPED_REASON, type TaskStartSpec } from "../../src/tasks/taskRegistry.js";
import { aborted, settle, waitFor } from "../support/async.js";
import { makeRegistry, spec, testGate, tracker, waiting } from "../support/registry.js";

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
