import { describe, expect, it } from "vitest";
import { MemoryTaskStore } from "../../src/tasks/memoryTaskStore.js";
import type { TaskEvent } from "../../src/tasks/taskRegistry.js";
import type { TaskRecord } from "../../src/tasks/taskStore.js";
import { MAX_REPLAY_EVENTS } from "../../src/tasks/eventLog.js";
import { aborted, gate, waitFor, type Gate } from "../support/async.js";
import { makeRegistry, rejection, spec, tracker } from "../support/registry.js";

/** The in-memory store plus an event log: what a shared store (Redis) adds, without the network. */
class LoggingStore extends MemoryTaskStore {
  readonly logs = new Map<string, TaskEvent[]>();
  /** The record's seq each time append was called, to check it was updated first. */
  readonly seqAtAppend: number[] = [];
  /** When set, append returns this gate's promise for updates (a slow store). */
  hold: Gate | undefined;
  flushed = 0;

  append(record: TaskRecord, event: TaskEvent): void | Promise<void> {
    this.seqAtAppend.push(record.seq);
    const key = `${record.owner}\n${record.task_id}`;
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    log.push({ ...event });
    return event.event === "update" ? this.hold?.promise : undefined;
  }

  events(owner: string, taskId: string, afterSeq: number, limit?: number): TaskEvent[] | undefined {
    if (!this.get(owner, taskId)) return undefined;
    return (this.logs.get(`${owner}\n${taskId}`) ?? []).filter((e) => e.seq > afterSeq).slice(0, limit);
  }

  async flush(): Promise<void> {
    this.flushed++;
  }
}

async function* threeUpdates(): AsyncGenerator<unknown, unknown, undefined> {
  yield "a";
  yield { step: 2 };
  yield 3;
  return { done: true };
}

describe("TaskRegistry with a store that keeps an event log", () => {
  it("appends every event in order, created to the terminal one, each after the record carries its seq", async () => {
    const store = new LoggingStore();
    const registry = makeRegistry({ store });
    const t = tracker();
    const { task_id } = await registry.start(spec(t, threeUpdates));
    await t.ended();
    const logged = store.logs.get(`s1\n${task_id}`);
    expect(logged).toEqual(t.events);
    expect(logged?.map((e) => e.event)).toEqual(["created", "update", "update", "update", "complete"]);
    expect(store.seqAtAppend).toEqual([1, 2, 3, 4, 5]);
  });

  it("events() replays the logged events after a sequence number, and all of them from 0", async () => {
    const store = new LoggingStore();
    const registry = makeRegistry({ store });
    const t = tracker();
    const { task_id } = await registry.start(spec(t, threeUpdates));
    await t.ended();
    expect(await registry.events("s1", task_id)).toEqual(t.events);
    expect((await registry.events("s1", task_id, 3)).map((e) => e.seq)).toEqual([4, 5]);
    expect((await registry.events("s1", task_id, 1, 2)).map((e) => e.seq)).toEqual([2, 3]);
    expect(await registry.events("s1", task_id, 5)).toEqual([]);
  });

  it("events() answers UNKNOWN_TASK for another owner's task and INVALID_ARGUMENT for a bad position or limit", async () => {
    const store = new LoggingStore();
    const registry = makeRegistry({ store });
    const t = tracker();
    const { task_id } = await registry.start(spec(t, threeUpdates));
    await t.ended();
    expect((await rejection(registry.events("s2", task_id))).code).toBe("UNKNOWN_TASK");
    expect((await rejection(registry.events("s1", task_id, -1))).code).toBe("INVALID_ARGUMENT");
    expect((await rejection(registry.events("s1", task_id, 1.5))).code).toBe("INVALID_ARGUMENT");
    expect((await rejection(registry.events("s1", task_id, 0, 0))).code).toBe("INVALID_ARGUMENT");
    expect((await rejection(registry.events("s1", task_id, 0, MAX_REPLAY_EVENTS + 1))).code).toBe("INVALID_ARGUMENT");
  });

  it("events() with the in-memory store, which keeps no log, says so (INVALID_STATE)", async () => {
    const registry = makeRegistry();
    const t = tracker();
    const { task_id } = await registry.start(spec(t, threeUpdates));
    await t.ended();
    const error = await rejection(registry.events("s1", task_id));
    expect(error.code).toBe("INVALID_STATE");
    expect(error.message).toContain("keeps no event log");
  });

  it("a pending append holds the generator at its yield until the store catches up (backpressure)", async () => {
    const store = new LoggingStore();
    store.hold = gate();
    const registry = makeRegistry({ store });
    const t = tracker();
    const reached: number[] = [];
    await registry.start(
      spec(t, async function* () {
        reached.push(1);
        yield 1;
        reached.push(2);
        yield 2;
        return "end";
      }),
    );
    await waitFor(() => t.events.length === 2, "the first update");
    // Several turns of the event loop: the generator stays at its first yield while the append is pending.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(reached).toEqual([1]);
    store.hold.open();
    await t.ended();
    expect(reached).toEqual([1, 2]);
    expect(t.terminals()).toEqual([{ event: "complete", seq: 4, payload: "end" }]);
  });

  it("an append that throws or rejects is reported as a warning and the task still ends once", async () => {
    const warnings: string[] = [];
    class FailingStore extends MemoryTaskStore {
      calls = 0;
      append(): Promise<void> {
        this.calls++;
        if (this.calls % 2 === 0) throw new Error("log down (sync)");
        return Promise.reject(new Error("log down (async)"));
      }
    }
    const store = new FailingStore();
    const registry = makeRegistry({ store });
    registry.onWarning = (message) => warnings.push(message);
    const t = tracker();
    await registry.start(spec(t, threeUpdates));
    await t.ended();
    await waitFor(() => warnings.length === 5, "one warning per event");
    expect(t.terminals()).toEqual([{ event: "complete", seq: 5, payload: { done: true } }]);
    expect(warnings[0]).toMatch(/logging created #1 of task ".+" failed: log down/);
  });

  it("shutdown() flushes the store after the last terminal event", async () => {
    const store = new LoggingStore();
    const registry = makeRegistry({ store });
    const t = tracker();
    await registry.start(
      spec(t, async function* (controls) {
        yield "waiting";
        await aborted(controls.signal);
        return 1;
      }),
    );
    await waitFor(() => t.events.length === 2, "the update");
    await registry.shutdown("bye", 1_000);
    expect(t.terminals().map((e) => e.event)).toEqual(["cancelled"]);
    expect(store.flushed).toBe(1);
  });
});
