import { describe, expect, it } from "vitest";
import type { CallSession } from "../../src/runtime/callSession.js";
import { TaskCallContext, ToolCallContext } from "../../src/runtime/callContext.js";
import { McpcError } from "../../src/errors.js";

type Extra = ConstructorParameters<typeof ToolCallContext>[2];

function fakeSession() {
  const logged: unknown[][] = [];
  const emitted: unknown[][] = [];
  const session = {
    id: "session-1",
    log: (...args: unknown[]) => logged.push(args),
    runtime: { emit: (...args: unknown[]) => emitted.push(args) },
    server: { getClientCapabilities: () => ({}), getClientVersion: () => ({ name: "test-client", version: "1" }) },
  } as unknown as CallSession;
  return { session, logged, emitted };
}

const extra = (requestId: string | number = 7) => ({ requestId, signal: new AbortController().signal }) as unknown as Extra;

describe("the ctx of a call (ToolCallContext / TaskCallContext)", () => {
  it("hands out working functions when destructured, each made once", async () => {
    const { session, logged, emitted } = fakeSession();
    const controller = new AbortController();
    const task = new TaskCallContext(session, "watch", extra(42), "task-1", controller.signal);
    const { sleep, emit, log, taskId, sessionId, signal } = task;

    await sleep(1);
    emit("changed", { n: 1 });
    log.info("hello", { a: 1 });

    expect([taskId, sessionId, signal]).toEqual(["task-1", "session-1", controller.signal]);
    expect(emitted).toEqual([["changed", { n: 1 }, { sessionId: "session-1" }, 42]]);
    expect(logged).toEqual([["info", "watch", "hello", { a: 1 }, 42]]);
    expect(task.sleep).toBe(sleep);
    expect(task.emit).toBe(emit);
    expect(task.log).toBe(log);
    expect(task.elicit).toBe(task.elicit);
  });

  it("stops a destructured sleep when the task's signal aborts", async () => {
    const { session } = fakeSession();
    const controller = new AbortController();
    const { sleep } = new TaskCallContext(session, "watch", extra(), "task-1", controller.signal);
    const sleeping = sleep(60_000);
    controller.abort(new McpcError("TASK_STOPPED", "stopped by the test"));
    await expect(sleeping).rejects.toThrow("stopped by the test");
  });

  it("uses the call's own signal for an ordinary tool, and names the missing capability for elicit", async () => {
    const { session } = fakeSession();
    const call = extra();
    const ctx = new ToolCallContext(session, "ask", call);
    expect(ctx.signal).toBe(call.signal);
    const { elicit } = ctx;
    const { z } = await import("zod");
    await expect(elicit("Name?", z.object({ name: z.string() }))).rejects.toThrow(/"elicitation" capability.*test-client did not/);
  });
});
