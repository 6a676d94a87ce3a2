import { describe, expect, it } from "vitest";
import type { CallSession } from "../../src/call/callSession.js";
import { TaskCallContext, ToolCallContext } from "../../src/call/callContext.js";
import { McpcError } from "../../src/errors.js";
import { TaskControl } from "../../src/tasks/taskControl.js";

class Controls extends TaskControl {
  readonly taskId = "task-1";
}

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
    const controls = new Controls();
    const task = new TaskCallContext(session, "watch", extra(42), controls, false);
    const { sleep, emit, log, taskId, sessionId, signal } = task;

    await sleep(1);
    emit("changed", { n: 1 });
    log.info("hello", { a: 1 });

    expect([taskId, sessionId, signal]).toEqual(["task-1", "session-1", controls.signal]);
    expect(emitted).toEqual([["changed", { n: 1 }, { sessionId: "session-1" }, 42]]);
    expect(logged).toEqual([["info", "watch", "hello", { a: 1 }, 42]]);
    expect(task.sleep).toBe(sleep);
    expect(task.emit).toBe(emit);
    expect(task.log).toBe(log);
    expect(task.elicit).toBe(task.elicit);
  });

  it("stops a destructured sleep when the task is stopped, and aborts a signal read before or after", async () => {
    const { session } = fakeSession();
    const controls = new Controls();
    const task = new TaskCallContext(session, "watch", extra(), controls, false);
    const { sleep } = task;
    const early = task.signal;
    const sleeping = sleep(60_000);
    const reason = new McpcError("TASK_STOPPED", "stopped by the test");
    controls.abort(reason);
    await expect(sleeping).rejects.toThrow("stopped by the test");
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe(reason);
    await expect(sleep(1)).rejects.toBe(reason);
  });

  it("makes no AbortController for a task whose tool only sleeps", async () => {
    const { session } = fakeSession();
    const call = extra();
    const made = { count: 0 };
    const Original = globalThis.AbortController;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        made.count++;
      }
    };
    try {
      const { sleep } = new TaskCallContext(session, "watch", call, new Controls(), false);
      await sleep(1);
      await sleep(1);
    } finally {
      globalThis.AbortController = Original;
    }
    expect(made.count).toBe(0);
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
