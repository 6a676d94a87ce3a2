import { describe, expect, it } from "vitest";
import { driveGenerator } from "../../src/tasks/driveGenerator.js";
import { gate } from "../support/async.js";

describe("driveGenerator", () => {
  it("hands every yielded value to onYield in order and reports the return value", async () => {
    const seen: unknown[] = [];
    const outcome = await driveGenerator(
      (async function* () {
        yield 1;
        yield "two";
        return { three: 3 };
      })(),
      new AbortController().signal,
      (_context, value) => void seen.push(value),
    );
    expect(seen).toEqual([1, "two"]);
    expect(outcome).toEqual({ kind: "returned", value: { three: 3 } });
  });

  it("hands onYield the caller's context with each value (one shared handler for many generators)", async () => {
    const seen: Array<[string, unknown]> = [];
    const record = (who: string, value: unknown) => void seen.push([who, value]);
    const gen = async function* () {
      yield 1;
      yield 2;
    };
    await Promise.all([
      driveGenerator(gen(), new AbortController().signal, record, "a"),
      driveGenerator(gen(), new AbortController().signal, record, "b"),
    ]);
    expect(seen.filter(([who]) => who === "a").map(([, v]) => v)).toEqual([1, 2]);
    expect(seen.filter(([who]) => who === "b").map(([, v]) => v)).toEqual([1, 2]);
  });

  it("finishes the generator and reports threw when delivering a value fails, and tells onEnd the outcome", async () => {
    let finallyRan = false;
    const ended: unknown[] = [];
    const failure = new Error("the store is down");
    const outcome = await driveGenerator(
      (async function* () {
        try {
          yield 1;
          yield 2;
        } finally {
          finallyRan = true;
        }
      })(),
      new AbortController().signal,
      () => {
        throw failure;
      },
      "ctx",
      (context, end) => ended.push([context, end]),
    );
    expect(outcome).toEqual({ kind: "threw", error: failure });
    expect(finallyRan).toBe(true);
    expect(ended).toEqual([["ctx", { kind: "threw", error: failure }]]);
  });

  it("reports what the generator threw", async () => {
    const boom = new Error("boom");
    const outcome = await driveGenerator(
      (async function* () {
        yield 1;
        throw boom;
      })(),
      new AbortController().signal,
      () => undefined,
    );
    expect(outcome).toEqual({ kind: "threw", error: boom });
  });

  it("waits for a promise from onYield before resuming the generator", async () => {
    const order: string[] = [];
    const hold = gate();
    const driving = driveGenerator(
      (async function* () {
        yield "a";
        order.push("resumed");
      })(),
      new AbortController().signal,
      async () => {
        order.push("onYield");
        await hold.promise;
        order.push("onYield done");
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["onYield"]);
    hold.open();
    await driving;
    expect(order).toEqual(["onYield", "onYield done", "resumed"]);
  });

  it("reports stopped, delivers nothing more and runs the finally block when the signal aborts while the generator works", async () => {
    const controller = new AbortController();
    const seen: unknown[] = [];
    let finallyRan = false;
    const outcome = await driveGenerator(
      (async function* () {
        try {
          yield "before";
          controller.abort();
          yield "after the abort";
          yield "never reached";
        } finally {
          finallyRan = true;
        }
      })(),
      controller.signal,
      (_context, value) => void seen.push(value),
    );
    expect(outcome).toEqual({ kind: "stopped" });
    expect(seen).toEqual(["before"]);
    expect(finallyRan).toBe(true);
  });

  it("reports stopped, not threw, when the generator fails because it was aborted", async () => {
    const controller = new AbortController();
    const outcome = await driveGenerator(
      (async function* () {
        controller.abort();
        // A fetch rejecting with its signal's abort, say.
        if (controller.signal.aborted) throw new Error("aborted fetch");
        yield "never reached";
      })(),
      controller.signal,
      () => undefined,
    );
    expect(outcome).toEqual({ kind: "stopped" });
  });

  it("swallows an error thrown by a finally block while stopping", async () => {
    const controller = new AbortController();
    const outcome = await driveGenerator(
      (async function* () {
        try {
          controller.abort();
          yield 1;
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new Error("cleanup failed");
        }
      })(),
      controller.signal,
      () => undefined,
    );
    expect(outcome).toEqual({ kind: "stopped" });
  });
});
