/**
 * What a hostile or sloppy client sends over stdio, raw, to a real server
 * process: a cancel in the same read as its call, parameters nested 100,000
 * deep, a listing of more tasks than one answer should carry.
 */
import { afterEach, describe, expect, it } from "vitest";
import { INITIALIZE, RawProcess, fixture } from "./harness.js";

const SERVER = fixture("stdioServer.ts");
const processes: RawProcess[] = [];
afterEach(() => {
  for (const raw of processes.splice(0)) raw.kill();
});

async function session(): Promise<RawProcess> {
  const raw = new RawProcess(SERVER);
  processes.push(raw);
  raw.send(INITIALIZE(0, true));
  await raw.waitFor((m) => m.id === 0);
  raw.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  return raw;
}

const answerTo = (id: number) => (m: Record<string, unknown>) => m.id === id;

/** JSON text of a value nested `levels` deep, written as text (JSON.stringify itself would overflow the stack). */
function deep(levels: number): string {
  return `${'{"inner":'.repeat(levels)}"bottom"${"}".repeat(levels)}`;
}

describe("a hostile client over stdio", () => {
  it("a notifications/cancelled in the same read as its tagged call starts no task, and nothing is held for it", async () => {
    const raw = await session();
    const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "watch", arguments: {}, _meta: { "mcpc/task": { task_id: "cancelled-at-once" } } } };
    const cancel = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, reason: "changed my mind" } };
    raw.send(`${JSON.stringify(call)}\n${JSON.stringify(cancel)}`);
    // Then a normal tagged call on the same session: its answer shows the cancelled one was handled first.
    raw.send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "count", arguments: { n: 2 }, _meta: { "mcpc/task": {} } } }));
    await raw.waitFor((m) => m.method === "notifications/mcpc" && (m.params as { event?: string }).event === "complete");
    raw.send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "mcpc/tasks/get", params: { task_id: "cancelled-at-once" } }));
    const got = await raw.waitFor(answerTo(3));
    expect(got.error).toMatchObject({ code: -32602, message: expect.stringContaining("Unknown task") });
    // The SDK answers no cancelled request, and no event of that task was ever made.
    expect(raw.lines.filter((line) => line.includes("cancelled-at-once") && !line.includes('"id":3'))).toEqual([]);
    expect(raw.lines.some((line) => /"id":1[,}]/.test(line))).toBe(false);
  });

  it("a task id nested 100,000 levels deep gets -32602 naming the field, with its request id, and the server goes on", async () => {
    const raw = await session();
    raw.send(`{"jsonrpc":"2.0","id":7,"method":"mcpc/tasks/get","params":{"task_id":${deep(100_000)}}}`);
    const answer = await raw.waitFor(answerTo(7));
    expect(answer.error).toMatchObject({ code: -32602, message: expect.stringContaining("got an object") });
    raw.send(`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"count","arguments":{"n":1},"_meta":{"mcpc/task":{"task_id":${deep(100_000)}}}}}`);
    const tagged = await raw.waitFor(answerTo(8));
    expect(JSON.stringify(tagged)).toMatch(/task_id must be a non-empty string; got an object/);
    expect(raw.stderr).not.toMatch(/Maximum call stack/);
  });

  it("mcpc/tasks/list answers in pages with a cursor, never every task at once", async () => {
    const raw = await session();
    for (let i = 0; i < 5; i++) {
      raw.send(JSON.stringify({ jsonrpc: "2.0", id: 100 + i, method: "tools/call", params: { name: "count", arguments: { n: 0 }, _meta: { "mcpc/task": { task_id: `t${i}` } } } }));
    }
    await raw.waitFor((m) => m.method === "notifications/mcpc" && (m.params as { task_id?: string; event?: string }).task_id === "t4" && (m.params as { event?: string }).event === "complete");
    raw.send(JSON.stringify({ jsonrpc: "2.0", id: 200, method: "mcpc/tasks/list", params: { limit: 2 } }));
    const first = (await raw.waitFor(answerTo(200))).result as { tasks: Array<{ task_id: string }>; nextCursor?: string };
    expect(first.tasks.map((t) => t.task_id)).toEqual(["t0", "t1"]);
    const seen = [...first.tasks];
    let cursor = first.nextCursor;
    for (let id = 201; cursor !== undefined; id++) {
      raw.send(JSON.stringify({ jsonrpc: "2.0", id, method: "mcpc/tasks/list", params: { limit: 2, cursor } }));
      const page = (await raw.waitFor(answerTo(id))).result as { tasks: Array<{ task_id: string }>; nextCursor?: string };
      seen.push(...page.tasks);
      cursor = page.nextCursor;
    }
    expect(seen.map((t) => t.task_id)).toEqual(["t0", "t1", "t2", "t3", "t4"]);
    raw.send(JSON.stringify({ jsonrpc: "2.0", id: 300, method: "mcpc/tasks/list", params: { cursor: 5 } }));
    expect((await raw.waitFor(answerTo(300))).error).toMatchObject({ code: -32602, message: expect.stringContaining("cursor") });
  });
});
