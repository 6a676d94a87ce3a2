import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { McpcError } from "../../src/errors.js";
import { abortableSleep } from "../../src/runtime/context.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("abortableSleep", () => {
  it("resolves after the given time", async () => {
    const startedAt = Date.now();
    await abortableSleep(20, new AbortController().signal);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(19);
  });

  it("resolves only once its time has passed, then leaves no timer and no listener behind", async () => {
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
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
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
