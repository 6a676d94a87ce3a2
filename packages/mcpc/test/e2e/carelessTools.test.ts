/**
 * A careless tool cannot take the server down: whatever it throws, yields or
 * returns, its task ends with exactly one terminal event that JSON carries, every
 * other session's work goes on, and the process stays up. Real servers in child
 * processes, over stdio and Streamable HTTP.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ODD_VALUE_NAMES, UNSENDABLE } from "../fixtures/oddValues.js";
import { collect } from "./scenarios.js";
import { closePlain, httpFixtureForBlock, openMcpc, openPlain, stdioTarget, streamableTarget } from "./transportHarness.js";
import type { McpcClient } from "../../src/client/index.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function failureOf(client: McpcClient, kind: string, how: string): Promise<{ events: string[]; message: unknown }> {
  const task = await client.callTool("odd", { kind, how });
  const events = await collect(task);
  return { events: events.map((e) => e.event), message: events.at(-1)?.result };
}

describe("over stdio", () => {
  it("every odd value a tool throws, yields or returns ends its task failed, once, and the server goes on", async () => {
    const client = await openMcpc(stdioTarget().transport());
    cleanups.push(() => client.close());
    for (const kind of ODD_VALUE_NAMES) {
      const thrown = await failureOf(client, kind, "throw");
      expect(thrown.events, kind).toEqual(["created", "update", "failed"]);
      expect(typeof thrown.message, kind).toBe("string");
      expect(thrown.message, kind).not.toBe("[object Object]");
    }
    for (const kind of UNSENDABLE) {
      const returned = await failureOf(client, kind, "return");
      expect(returned.events, kind).toEqual(["created", "update", "failed"]);
      expect(returned.message, kind).toMatch(/return value cannot be sent as JSON/);
      const yielded = await failureOf(client, kind, "yield");
      expect(yielded.events, kind).toEqual(["created", "update", "failed"]);
      expect(yielded.message, kind).toMatch(/update #2 cannot be sent as JSON/);
    }
    // The session's records all answer (a record holding an unsendable value would hang list).
    const tasks = await client.list();
    expect(tasks.length).toBe(ODD_VALUE_NAMES.length + 2 * UNSENDABLE.length);
    expect(tasks.every((task) => task.status === "failed")).toBe(true);
    expect(await (await client.callTool("add", { a: 1, b: 2 })).value()).toBe("3");
  });

  it("a plain client gets an isError result naming the problem", async () => {
    const transport = stdioTarget().transport();
    const client = await openPlain(transport);
    cleanups.push(() => closePlain(client, transport));
    const result = await client.callTool({ name: "odd", arguments: { kind: "bigint", how: "return" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("BigInt");
  });
});

describe("over Streamable HTTP, one server for many sessions", () => {
  const running = httpFixtureForBlock();

  it("one session's tool throwing odd values leaves another session's running task untouched", async () => {
    const careful = await openMcpc(streamableTarget(running).transport());
    cleanups.push(() => careful.close());
    const careless = await openMcpc(streamableTarget(running).transport());
    cleanups.push(() => careless.close());
    const steady = await careful.callTool("count", { n: 40, delayMs: 10 });
    for (const kind of ODD_VALUE_NAMES) {
      expect((await failureOf(careless, kind, "throw")).events.at(-1)).toBe("failed");
    }
    const events = await collect(steady);
    expect(events.at(-1)).toMatchObject({ event: "complete", result: { counted: 40 } });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    expect(running().child.exitCode).toBeNull();
  });
});
