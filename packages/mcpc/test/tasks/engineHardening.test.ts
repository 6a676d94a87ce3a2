/* eslint-disable require-yield -- tasks that only return (no update) are cases under test here. */
/**
 * What no tool can do to the engine: take the process down, end a task twice or
 * not at all, send what JSON cannot carry, starve its session, or grow the
 * records kept for it without bound.
 */
import { describe, expect, it } from "vitest";
import { ODD_VALUES, ODD_VALUE_NAMES, UNSENDABLE } from "../fixtures/oddValues.js";
import { settle, waitFor } from "../support/async.js";
import { makeRegistry, rejection, spec, testGate, tracker } from "../support/registry.js";
import type { TaskStartSpec } from "../../src/tasks/taskRegistry.js";

/** Runs one task to its end and returns its terminal event's payload. */
async function terminalPayload(registry: ReturnType<typeof makeRegistry>, run: TaskStartSpec["run"]): Promise<unknown> {
  const t = tracker();
  await registry.start(spec(t, run));
  await t.ended();
  return t.terminals()[0]?.payload;
}

describe("thrown values", () => {
  it.each(ODD_VALUE_NAMES)("a tool that throws %s ends failed, once, with a message (no unhandled rejection)", async (name) => {
    const registry = makeRegistry();
    const t = tracker();
    await registry.start(
      spec(t, async function* () {
        yield "before";
        throw ODD_VALUES[name]();
      }),
    );
    await t.ended();
    await settle();
    const terminals = t.terminals();
    expect(terminals).toHaveLength(1);
    expect(terminals[0]?.event).toBe("failed");
    expect(typeof terminals[0]?.payload).toBe("string");
    expect((terminals[0]?.payload as string).length).toBeGreaterThan(0);
    expect(terminals[0]?.payload).not.toBe("[object Object]");
    expect(JSON.parse(JSON.stringify(terminals[0]))).toEqual(terminals[0]);
  });

  it("describes the odd ones usefully", async () => {
    const registry = makeRegistry();
    const messages: Record<string, unknown> = {};
    for (const name of ["circular", "nullProtoCircular", "throwingMessage"] as const) {
      messages[name] = await terminalPayload(registry, async function* () {
        yield "before";
        throw ODD_VALUES[name]();
      });
    }
    expect(messages.circular).toContain("name: 'loop'");
    expect(messages.circular).toContain("[Circular");
    expect(messages.nullProtoCircular).toContain("null prototype");
    expect(messages.throwingMessage).toBe("Error");
  });
});

describe("values JSON cannot carry", () => {
  it.each(UNSENDABLE)("a tool that returns %s ends failed, saying which value and why", async (name) => {
    const registry = makeRegistry();
    const t = tracker();
    const { task_id } = await registry.start(
      spec(t, async function* () {
        yield "working";
        return ODD_VALUES[name]();
      }),
    );
    await t.ended();
    expect(t.events.map((e) => e.event)).toEqual(["created", "update", "failed"]);
    expect(t.terminals()[0]?.payload).toMatch(/return value cannot be sent as JSON: it/);
    // The record answers, with the error and no unsendable result in it.
    const snapshot = await registry.get("s1", task_id);
    expect(snapshot).toMatchObject({ status: "failed", seq: 3 });
    expect(snapshot.result).toBeUndefined();
    expect(() => JSON.stringify(snapshot)).not.toThrow();
  });

  it.each(UNSENDABLE)("a tool that yields %s ends failed at that update, with no gap in seq, and its finally runs", async (name) => {
    const registry = makeRegistry();
    const t = tracker();
    let finallyRan = false;
    await registry.start(
      spec(t, async function* () {
        try {
          yield "fine";
          yield ODD_VALUES[name]();
          yield "never sent";
          return "never returned";
        } finally {
          finallyRan = true;
        }
      }),
    );
    await t.ended();
    expect(t.events.map((e) => [e.seq, e.event])).toEqual([
      [1, "created"],
      [2, "update"],
      [3, "failed"],
    ]);
    expect(t.terminals()[0]?.payload).toMatch(/update #2 cannot be sent as JSON/);
    expect(finallyRan).toBe(true);
  });

  it("names the reason: BigInt, circular reference, nesting, a throwing toJSON", async () => {
    const registry = makeRegistry();
    const reasons: Record<string, unknown> = {};
    for (const name of ["bigint", "circular", "deep", "throwingToJsonAndToString", "function"] as const) {
      reasons[name] = await terminalPayload(registry, async function* () {
        return ODD_VALUES[name]();
      });
    }
    expect(reasons.bigint).toContain("BigInt");
    expect(reasons.circular).toContain("circular reference");
    expect(reasons.deep).toContain("nested too deeply");
    expect(reasons.throwingToJsonAndToString).toContain("toJSON refuses");
    expect(reasons.function).toContain("it is a function");
  });
});

describe("a tool that ignores its stop (a zombie)", () => {
  it("ends cancelled at the grace deadline, frees its place for the next task, and is counted until it really ends", async () => {
    const registry = makeRegistry({ maxRunningPerSession: 1, stopGraceMs: 30 });
    const warnings: string[] = [];
    registry.onWarning = (message) => warnings.push(message);
    const stubborn = testGate();
    const zombie = tracker();
    const next = tracker();
    const { task_id } = await registry.start(
      spec(zombie, async function* () {
        yield "ignoring every signal";
        await stubborn.promise;
        return "too late";
      }),
    );
    let nextRan = false;
    await registry.start(
      spec(next, async function* () {
        nextRan = true;
        return "ran";
      }),
    );
    await waitFor(() => zombie.events.length === 2, "the zombie's first update");
    expect(nextRan).toBe(false);

    await registry.stop("s1", task_id);
    expect(zombie.terminals().map((e) => e.event)).toEqual(["cancelled"]);
    await next.ended();
    expect(nextRan).toBe(true);
    expect(registry.stats()).toMatchObject({ live: 0, zombies: 1 });
    expect(warnings.join("\n")).toMatch(/ignored its stop for 30 ms/);

    stubborn.open();
    await waitFor(() => registry.stats().zombies === 0, "the zombie to end");
    await settle();
    expect(zombie.terminals()).toHaveLength(1);
    expect(warnings.at(-1)).toMatch(/has now really ended/);
  });
});

describe("finished records", () => {
  async function finishMany(registry: ReturnType<typeof makeRegistry>, owner: string, count: number, result: unknown = "ok"): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const t = tracker();
      const { task_id } = await registry.start(
        spec(
          t,
          async function* () {
            return result;
          },
          { owner },
        ),
      );
      await t.ended();
      ids.push(task_id);
    }
    return ids;
  }

  it("keeps at most maxFinishedPerOwner per owner, the newest", async () => {
    const registry = makeRegistry({ maxFinishedPerOwner: 3 });
    const ids = await finishMany(registry, "s1", 5);
    await finishMany(registry, "s2", 2);
    await settle();
    expect((await registry.list("s1")).map((task) => task.task_id)).toEqual(ids.slice(2));
    expect(await registry.list("s2")).toHaveLength(2);
    expect(registry.stats().finished).toBe(5);
  });

  it("keeps at most maxFinishedBytesPerOwner of results per owner, the newest always", async () => {
    const registry = makeRegistry({ maxFinishedBytesPerOwner: 50_000 });
    const ids = await finishMany(registry, "s1", 4, { blob: "x".repeat(20_000) });
    await settle();
    expect((await registry.list("s1")).map((task) => task.task_id)).toEqual(ids.slice(2));
    const big = await finishMany(registry, "s1", 1, { blob: "y".repeat(80_000) });
    await settle();
    expect((await registry.list("s1")).map((task) => task.task_id)).toEqual(big);
  });

  it("forgetOwner() drops an owner's finished records now and its running tasks' records when they end", async () => {
    const registry = makeRegistry();
    await finishMany(registry, "gone", 3);
    const g = testGate();
    const running = tracker();
    await registry.start(
      spec(
        running,
        async function* () {
          await g.promise;
          return "late";
        },
        { owner: "gone" },
      ),
    );
    registry.forgetOwner("gone");
    await settle();
    expect(await registry.list("gone")).toHaveLength(1);
    g.open();
    await running.ended();
    await settle();
    expect(running.terminals().map((e) => e.event)).toEqual(["complete"]);
    expect(await registry.list("gone")).toEqual([]);
    expect(registry.stats().finished).toBe(0);
  });

  it("listPage() pages oldest first with a cursor, and refuses a cursor it did not make", async () => {
    const registry = makeRegistry();
    const ids = await finishMany(registry, "s1", 7);
    const first = await registry.listPage("s1", { limit: 3 });
    expect(first.tasks.map((task) => task.task_id)).toEqual(ids.slice(0, 3));
    expect(first.nextCursor).toBeTypeOf("string");
    const second = await registry.listPage("s1", { limit: 3, cursor: first.nextCursor });
    expect(second.tasks.map((task) => task.task_id)).toEqual(ids.slice(3, 6));
    const third = await registry.listPage("s1", { limit: 3, cursor: second.nextCursor });
    expect(third.tasks.map((task) => task.task_id)).toEqual(ids.slice(6));
    expect(third.nextCursor).toBeUndefined();
    expect((await registry.listPage("s1")).tasks).toHaveLength(7);
    expect((await rejection(registry.listPage("s1", { cursor: "not-ours" }))).code).toBe("INVALID_ARGUMENT");
    expect((await rejection(registry.listPage("s1", { limit: 0 }))).message).toMatch(/from 1 to 1000/);
  });
});

describe("tasks of a principal shared by several sessions", () => {
  it("stopOwner(owner, reason, startedBy) stops only what that session started; liveCountOf counts them", async () => {
    const registry = makeRegistry();
    const g = testGate();
    const fromA = tracker();
    const fromB = tracker();
    const run = async function* () {
      await g.promise;
      return "done";
    };
    await registry.start(spec(fromA, run, { owner: "alice", startedBy: "session-a" }));
    await registry.start(spec(fromB, run, { owner: "alice", startedBy: "session-b" }));
    expect([registry.liveCountOf("alice"), registry.liveCountOf("alice", "session-a"), registry.liveCountOf("alice", "session-c")]).toEqual([2, 1, 0]);
    await registry.stopOwner("alice", "Session closed", "session-a");
    expect(fromA.terminals().map((e) => [e.event, e.payload])).toEqual([["cancelled", "Session closed"]]);
    expect(fromB.terminals()).toEqual([]);
    g.open();
    await fromB.ended();
    expect(fromB.terminals().map((e) => e.event)).toEqual(["complete"]);
  });
});
