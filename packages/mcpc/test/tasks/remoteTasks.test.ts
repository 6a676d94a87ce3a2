import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Inboxes } from "../../src/call/inboxes.js";
import { McpcError } from "../../src/errors.js";
import { MemoryTaskStore } from "../../src/tasks/memoryTaskStore.js";
import type { RemoteAnswers, RemoteHandler, RemoteRequest, TaskControlChannel } from "../../src/tasks/controlChannel.js";
import type { TaskRecord, TaskStore } from "../../src/tasks/taskStore.js";
import { ANSWER_MARGIN_MS } from "../../src/tasks/remoteTasks.js";
import { aborted, waitFor } from "../support/async.js";
import { makeRegistry, rejection, spec, testGate, tracker } from "../support/registry.js";

/**
 * Two replicas in one process: one record map (what Redis is to the real
 * thing), a control channel per replica that hands a request to the replica
 * whose store created the task, and an end signal for waiters.
 */
class SharedRecords {
  readonly records = new MemoryTaskStore();
  /** Which replica runs each live task. */
  readonly runners = new Map<string, ReplicaStore>();
  readonly waiters = new Map<string, Set<() => void>>();
  forwarded: RemoteRequest[] = [];
  /** The deadline each forwarded request was given. */
  timeouts: number[] = [];

  ended(key: string): void {
    this.runners.delete(key);
    for (const wake of this.waiters.get(key) ?? []) wake();
    this.waiters.delete(key);
  }
}

const keyOf = (owner: string, taskId: string): string => `${owner}\n${taskId}`;
const isEnded = (record: TaskRecord | undefined): boolean => !record || ["completed", "failed", "cancelled"].includes(record.status);

class ReplicaStore implements TaskStore {
  readonly #shared: SharedRecords;
  #handler: RemoteHandler | undefined;
  /** Set to make this replica silent (alive, but never answering). */
  silent = false;

  constructor(shared: SharedRecords) {
    this.#shared = shared;
  }

  create(record: TaskRecord): boolean {
    const created = this.#shared.records.create(record);
    if (created) this.#shared.runners.set(keyOf(record.owner, record.task_id), this);
    return created;
  }
  save(record: TaskRecord): void {
    this.#shared.records.save(record);
    if (isEnded(record)) this.#shared.ended(keyOf(record.owner, record.task_id));
  }
  get(owner: string, taskId: string): TaskRecord | undefined {
    return this.#shared.records.get(owner, taskId);
  }
  list(owner: string): TaskRecord[] {
    return this.#shared.records.list(owner);
  }
  delete(owner: string, taskId: string): boolean {
    return this.#shared.records.delete(owner, taskId);
  }
  sweep(now: number): number {
    return this.#shared.records.sweep(now);
  }

  readonly control: TaskControlChannel = {
    forward: async <K extends RemoteRequest["kind"]>(owner: string, taskId: string, request: Extract<RemoteRequest, { kind: K }>, timeoutMs: number) => {
      this.#shared.forwarded.push(request);
      this.#shared.timeouts.push(timeoutMs);
      const runner = this.#shared.runners.get(keyOf(owner, taskId));
      if (!runner || runner === this || !runner.#handler) return undefined;
      if (runner.silent) {
        // The real channel waits the whole deadline; the test only checks what the engine makes of the error.
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new McpcError("REPLICA_UNREACHABLE", `the replica running "${taskId}" did not answer within ${timeoutMs} ms`);
      }
      return (await runner.#handler(owner, taskId, request)) as RemoteAnswers[K];
    },
    whenEnded: (owner: string, taskId: string, signal?: AbortSignal) => {
      if (isEnded(this.get(owner, taskId))) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const key = keyOf(owner, taskId);
        const wake = (): void => resolve();
        let set = this.#shared.waiters.get(key);
        if (!set) this.#shared.waiters.set(key, (set = new Set()));
        set.add(wake);
        signal?.addEventListener("abort", () => {
          set.delete(wake);
          reject(signal.reason as Error);
        });
      });
    },
    listen: (handler: RemoteHandler) => {
      this.#handler = handler;
    },
  };
}

function twoReplicas() {
  const shared = new SharedRecords();
  const storeOne = new ReplicaStore(shared);
  const storeTwo = new ReplicaStore(shared);
  return { shared, storeOne, storeTwo, one: makeRegistry({ store: storeOne, stopGraceMs: 200 }), two: makeRegistry({ store: storeTwo, stopGraceMs: 200 }) };
}

describe("TaskRegistry with a store that several replicas share (TaskStore.control)", () => {
  it("stop() on a replica that does not run the task stops it on the one that does: its finally runs there, exactly one cancelled", async () => {
    const { one, two } = twoReplicas();
    const t = tracker();
    const started = testGate();
    let finallyRan = 0;
    const { task_id } = await one.start(
      spec(t, async function* (controls) {
        try {
          yield "working";
          started.open();
          await aborted(controls.signal);
        } finally {
          finallyRan++;
        }
      }),
    );
    await started.promise;
    expect(two.runsHere("s1", task_id)).toBe(false);
    const outcome = await two.stop("s1", task_id, "Stopped from replica two");
    expect(outcome.stopped).toBe(true);
    expect(outcome.task).toMatchObject({ task_id, status: "cancelled", error: "Stopped from replica two" });
    expect(finallyRan).toBe(1);
    expect(t.terminals()).toEqual([expect.objectContaining({ event: "cancelled" })]);
    expect((await two.get("s1", task_id)).status).toBe("cancelled");
    // Stopping again changes nothing, wherever it lands.
    expect((await two.stop("s1", task_id)).stopped).toBe(false);
    expect((await one.stop("s1", task_id)).stopped).toBe(false);
    expect(t.terminals()).toHaveLength(1);
  });

  it("a stop of a task that has ended is answered from the store without asking any replica", async () => {
    const { shared, one, two } = twoReplicas();
    const t = tracker();
    // eslint-disable-next-line require-yield -- a task that returns at once is the case here.
    const { task_id } = await one.start(spec(t, async function* () {
      return 42;
    }));
    await t.ended();
    expect(await two.stop("s1", task_id)).toMatchObject({ stopped: false, task: { status: "completed", result: 42 } });
    expect(shared.forwarded).toEqual([]);
  });

  it("a stop of another owner's task is UNKNOWN_TASK on every replica, and reaches no replica", async () => {
    const { shared, one, two } = twoReplicas();
    const g = testGate();
    const { task_id } = await one.start(spec(tracker(), async function* () {
      yield 1;
      await g.promise;
    }));
    expect((await rejection(two.stop("someone-else", task_id))).code).toBe("UNKNOWN_TASK");
    expect(shared.forwarded).toEqual([]);
  });

  it("whenEnded() on another replica resolves once the task ends there, and rejects with the signal's reason when aborted first", async () => {
    const { one, two } = twoReplicas();
    const g = testGate();
    const t = tracker();
    const { task_id } = await one.start(spec(t, async function* () {
      yield 1;
      await g.promise;
      return "done";
    }));
    let ended = false;
    const waiting = two.whenEnded("s1", task_id).then(() => (ended = true));
    const controller = new AbortController();
    const abandoned = two.whenEnded("s1", task_id, controller.signal);
    controller.abort(new Error("client went away"));
    await expect(abandoned).rejects.toThrow("client went away");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(false);
    g.open();
    await waiting;
    expect((await two.get("s1", task_id)).status).toBe("completed");
    // A task that has ended, or one that is unknown, resolves at once.
    await two.whenEnded("s1", task_id);
    await two.whenEnded("s1", "no-such-task");
  });

  it("a runner that holds its lease but does not answer makes the stop fail with REPLICA_UNREACHABLE, and the task runs on", async () => {
    const { shared, storeOne, one, two } = twoReplicas();
    const g = testGate();
    const { task_id } = await one.start(spec(tracker(), async function* () {
      yield 1;
      await g.promise;
    }));
    storeOne.silent = true;
    expect((await rejection(two.stop("s1", task_id))).code).toBe("REPLICA_UNREACHABLE");
    expect((await one.get("s1", task_id)).status).toBe("working");
    // The runner gets the whole grace period of its stop (200 ms here) plus a margin to answer.
    expect(shared.timeouts).toEqual([200 + ANSWER_MARGIN_MS]);
  });

  it("task input sent through a replica that does not run the task reaches its inbox on the one that does; errors come back as they are", async () => {
    const { one, two } = twoReplicas();
    const accepts = z.object({ text: z.string() });
    const acceptsOf = (tool: string) => (tool === "chat" ? accepts : undefined);
    const inboxesOne = new Inboxes(one, {}, acceptsOf);
    const inboxesTwo = new Inboxes(two, {}, acceptsOf);
    const received: unknown[] = [];
    const t = tracker();
    const { task_id } = await one.start(
      spec(
        t,
        async function* (controls) {
          const inbox = inboxesOne.ensure("s1", controls.taskId, accepts);
          inbox.bind(controls);
          yield "listening";
          for await (const message of inbox) {
            received.push(message);
            if (received.length === 2) return received;
          }
        },
        { toolName: "chat" },
      ),
    );
    await waitFor(() => t.events.some((e) => e.event === "update"), "the task to listen");
    expect(await inboxesTwo.send("s1", task_id, { text: "hello" }, acceptsOf)).toEqual({ answered: false, queued: 0 });
    const refused = await rejection(inboxesTwo.send("s1", task_id, { text: 7 }, acceptsOf));
    expect(refused.code).toBe("INVALID_MESSAGE");
    await inboxesTwo.send("s1", task_id, { text: "bye" }, acceptsOf);
    await t.ended();
    expect(received).toEqual([{ text: "hello" }, { text: "bye" }]);
    expect((await rejection(inboxesTwo.send("s1", task_id, { text: "late" }, acceptsOf))).code).toBe("TASK_ENDED");
  });

  it("with the in-memory store (no control channel) a task that is not live here is not running anywhere: stop answers its state, whenEnded resolves", async () => {
    const registry = makeRegistry();
    const t = tracker();
    // eslint-disable-next-line require-yield -- a task that returns at once is the case here.
    const { task_id } = await registry.start(spec(t, async function* () {
      return 1;
    }));
    await t.ended();
    expect(registry.runsHere("s1", task_id)).toBe(false);
    expect((await registry.stop("s1", task_id)).stopped).toBe(false);
    await registry.whenEnded("s1", task_id);
  });
});
