/* eslint-disable require-yield -- a task that only waits and returns, never yielding, is a case under test here. */
import { describe, expect, it } from "vitest";
import { McpcError } from "../../src/errors.js";
import { MemoryTaskStore } from "../../src/tasks/memoryTaskStore.js";
import type { TaskRecord, TaskStore } from "../../src/tasks/taskStore.js";
import { aborted, settle, waitFor } from "../support/async.js";
import { makeRegistry, rejection, spec, testGate, tracker, waiting } from "../support/registry.js";

/** The memory store answering `create` a turn later, as a store with a backend does. */
class LaterStore implements TaskStore {
  readonly #inner = new MemoryTaskStore();
  create = (record: TaskRecord): Promise<boolean> => Promise.resolve().then(() => this.#inner.create(record));
  save = (record: TaskRecord): void => this.#inner.save(record);
  get = (owner: string, taskId: string): TaskRecord | undefined => this.#inner.get(owner, taskId);
  list = (owner: string): TaskRecord[] => this.#inner.list(owner);
  delete = (owner: string, taskId: string): boolean => this.#inner.delete(owner, taskId);
  sweep = (now: number): number => this.#inner.sweep(now);
}

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

  it("a start() that races with shutdown() on a store that answers later is refused with SHUTTING_DOWN, never left running", async () => {
    const registry = makeRegistry({ store: new LaterStore() });
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

  it("a start() on the memory store is admitted before it returns: a shutdown right after stops it, with one terminal event", async () => {
    const registry = makeRegistry();
    const t = tracker();
    let ran = false;
    const starting = registry.start(
      spec(t, async function* ({ signal }) {
        ran = true;
        await aborted(signal);
      }),
    );
    // No await yet: the generator already began, synchronously, inside start().
    expect(ran).toBe(true);
    expect(registry.liveCount).toBe(1);
    await registry.shutdown();
    expect((await starting).status).toBe("working");
    expect(t.events.map((e) => e.event)).toEqual(["created", "cancelled"]);
    expect(registry.liveCount).toBe(0);
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
