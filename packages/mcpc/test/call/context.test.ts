import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { McpcError } from "../../src/errors.js";
import { createSleeper } from "../../src/call/context.js";

const abortableSleep = (ms: number, signal: AbortSignal) => createSleeper(signal)(ms);

afterEach(() => {
  vi.useRealTimers();
});

describe("a task's sleep (createSleeper)", () => {
  it("resolves after the given time", async () => {
    const startedAt = Date.now();
    await abortableSleep(20, new AbortController().signal);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(19);
  });

  it("resolves only once its time has passed, then leaves no timer behind", async () => {
    vi.useFakeTimers();
    const { signal } = new AbortController();
    let resolved = false;
    const sleeping = abortableSleep(1_000, signal).then(() => (resolved = true));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(resolved).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("adds one abort listener for a task's life, however often it sleeps, and stops every pending sleep at once", async () => {
    const controller = new AbortController();
    const sleep = createSleeper(controller.signal);
    await sleep(1);
    await sleep(1);
    const both = [sleep(60_000), sleep(60_000)];
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    const reason = new McpcError("TASK_STOPPED", "stopped");
    controller.abort(reason);
    for (const pending of both) await expect(pending).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("rejects at once on abort with the signal's reason and clears its timer", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new McpcError("TASK_STOPPED", 'Task stopped: task "t1".');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects with a TASK_STOPPED McpcError when the abort reason is not an Error", async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort("just a string");
    const error: unknown = await sleeping.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpcError);
    expect((error as McpcError).code).toBe("TASK_STOPPED");
  });

  it("rejects without starting a timer when the signal has already aborted", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const reason = new Error("already stopped");
    controller.abort(reason);
    await expect(abortableSleep(1_000, controller.signal)).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });
});
