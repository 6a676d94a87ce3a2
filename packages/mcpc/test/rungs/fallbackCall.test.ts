import { afterEach, describe, expect, it } from "vitest";
import type { CallSession } from "../../src/call/callSession.js";
import { FallbackCall } from "../../src/rungs/fallbackCall.js";
import { TaskRegistry } from "../../src/tasks/taskRegistry.js";
import type { ToolDefinition } from "../../src/definitions/toolDefinitions.js";

const registries: TaskRegistry[] = [];
afterEach(() => {
  for (const registry of registries.splice(0)) registry.close();
});

function setup() {
  const registry = new TaskRegistry();
  registries.push(registry);
  const session = { id: "s1", owner: "s1", runtime: { registry, options: {} } } as unknown as CallSession;
  let finallyRan = false;
  const tool = {
    name: "watch",
    kind: "background",
    inputJsonSchema: {},
    origin: "test",
    invoke: async function* (_args: unknown, task: { sleep(ms: number): Promise<void> }) {
      try {
        for (;;) {
          await task.sleep(10);
          yield "tick";
        }
      } finally {
        finallyRan = true;
      }
    },
  } as unknown as ToolDefinition;
  return { registry, session, tool, finallyRan: () => finallyRan };
}

describe("FallbackCall (a background tool answered synchronously)", () => {
  it("stops the task when the call was cancelled before its listener was in place", async () => {
    const { session, tool, finallyRan } = setup();
    const controller = new AbortController();
    const extra = { requestId: 1, signal: controller.signal, _meta: {} };
    controller.abort(); // as if notifications/cancelled arrived while the task was being registered
    const answer = await new FallbackCall(session, tool, {}, extra as never).answer();
    expect(answer.isError).toBe(true);
    expect(JSON.stringify(answer.content)).toMatch(/cancelled: Cancelled by the client/);
    expect(finallyRan()).toBe(true);
  });
});
