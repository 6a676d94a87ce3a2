/**
 * Issue 11 over stdio, against a real child process: a client that leaves or
 * stalls, oversized and malformed lines, requests before `initialize`, and a
 * client that never answers pings.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fixture } from "./harness.js";
import { StdioChild, type Message, type StdioChildOptions } from "./stdioChild.js";

const SERVER = fixture("hardeningServer.ts");

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function start(options: StdioChildOptions = {}): StdioChild {
  const child = new StdioChild(SERVER, options);
  cleanups.push(() => child.kill());
  return child;
}

function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mcpc-hardening-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

const params = (m: Message) => (m.params ?? {}) as Record<string, unknown>;
const errorOf = (m: Message) => m.error as { code: number; message: string } | undefined;
/** A task event (`notifications/mcpc`, type task) of `taskId`. */
const taskEvent = (taskId: string) => (m: Message) => m.method === "notifications/mcpc" && params(m).type === "task" && params(m).task_id === taskId;
const TERMINAL = new Set(["complete", "failed", "cancelled"]);
/** A stack frame line, as Node prints an uncaught error. */
const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$/m;

function callTagged(child: StdioChild, id: number, name: string, taskId: string, args: Record<string, unknown> = {}): void {
  child.send({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args, _meta: { "mcpc/task": { task_id: taskId } } } });
}

describe("a client killed mid-task over stdio (kill-the-client)", () => {
  async function startTasks(child: StdioChild): Promise<string[]> {
    await child.initialize(true);
    const ids = ["chatty-1", "chatty-2", "chatty-3", "chatty-4", "quiet-1"];
    ids.forEach((taskId, i) => callTagged(child, 10 + i, taskId.split("-")[0] as string, taskId));
    for (let i = 0; i < ids.length; i++) await child.answer(10 + i);
    // Every chatty task is running and writing.
    for (const taskId of ids.slice(0, 4)) await child.waitFor((m) => taskEvent(taskId)(m) && params(m).event === "update", `an update of ${taskId}`);
    return ids;
  }

  it("shuts down as for stdin's end when both pipes close: exit 0, every finally ran, no stack trace", async () => {
    const finallyFile = tempFile("finally.txt");
    const child = start({ env: { MCPC_FINALLY_FILE: finallyFile } });
    const ids = await startTasks(child);
    child.child.stdout.destroy();
    child.child.stdin.destroy();
    expect(await child.exited()).toBe(0);
    expect(readFileSync(finallyFile, "utf8").split("\n").filter(Boolean).sort()).toEqual([...ids].sort());
    expect(child.stderr).not.toMatch(STACK_FRAME);
    expect(child.stderr).not.toMatch(/EPIPE.*\n\s+at |Unhandled|uncaught/i);
    expect(child.stderr).toMatch(/shutting down/);
  });

  it("shuts down when only its stdout reader goes (a write fails with EPIPE while stdin stays open)", async () => {
    const finallyFile = tempFile("finally.txt");
    const child = start({ env: { MCPC_FINALLY_FILE: finallyFile } });
    const ids = await startTasks(child);
    child.child.stdout.destroy();
    expect(await child.exited()).toBe(0);
    expect(readFileSync(finallyFile, "utf8").split("\n").filter(Boolean).sort()).toEqual([...ids].sort());
    expect(child.stderr).not.toMatch(STACK_FRAME);
    expect(child.stderr).toMatch(/shutting down \(the client closed stdout: EPIPE\)/);
  });
});

describe("a client that stops reading stdout (slow consumer, stdio)", () => {
  it("keeps server memory bounded while it stalls, then delivers every task event in order, the terminal event and one drop notice", async () => {
    const child = start();
    await child.initialize(true);
    expect(errorOf(await child.request(2, "logging/setLevel", { level: "info" }))).toBeUndefined();
    const startRssKb = child.rssKb();
    callTagged(child, 3, "flood", "flood-1", { seconds: 10 });
    await child.answer(3);
    child.stallReading();
    // Sampled while the tool floods for 10 s and nobody reads (the samples are measurements, not synchronisation).
    let peakRssKb = startRssKb;
    const sampler = setInterval(() => (peakRssKb = Math.max(peakRssKb, child.rssKb())), 50);
    cleanups.push(() => clearInterval(sampler));
    try {
      await child.until(() => (child.stderr.includes("flood done") ? true : undefined), "the flood to end", 20_000);
    } finally {
      clearInterval(sampler);
    }
    const growthMb = (peakRssKb - startRssKb) / 1024;
    console.info(`slow consumer (stdio): RSS ${Math.round(startRssKb / 1024)} MB at start, peak +${growthMb.toFixed(1)} MB while stalled`);
    expect(growthMb).toBeLessThan(150);

    child.resumeReading();
    const terminal = await child.waitFor((m) => taskEvent("flood-1")(m) && TERMINAL.has(String(params(m).event)), "the flood's terminal event");
    const notices = () => child.messages.filter((m) => m.method === "notifications/mcpc" && params(m).event === "dropped");
    await child.until(() => (notices().length > 0 ? true : undefined), "the drop notice");
    expect(terminal.params).toMatchObject({ event: "complete" });
    const totals = terminal.params as { result: { yielded: number; emitted: number; logged: number }; seq: number };

    // Every update, in order, no gap: seq 2 … N+1 after `created` (seq 1, the answer), then the terminal event.
    const seqs = child.messages.filter((m) => taskEvent("flood-1")(m) && params(m).event !== "heartbeat").map((m) => params(m).seq);
    expect(seqs).toEqual(Array.from({ length: totals.result.yielded + 1 }, (_, i) => i + 2));

    // Best-effort messages: each either arrived or was counted in a notice.
    const dropped = { server_events: 0, logs: 0 };
    for (const notice of notices()) {
      const counts = params(notice).result as { server_events: number; logs: number };
      dropped.server_events += counts.server_events;
      dropped.logs += counts.logs;
    }
    const ticks = child.messages.filter((m) => m.method === "notifications/mcpc" && params(m).event === "tick").length;
    const logs = child.messages.filter((m) => m.method === "notifications/message" && String((params(m).data as string | undefined) ?? "").startsWith("tick")).length;
    expect(dropped.server_events).toBeGreaterThan(0);
    expect(ticks + dropped.server_events).toBe(totals.result.emitted);
    expect(logs + dropped.logs).toBe(totals.result.logged);
    const warning = child.messages.find((m) => m.method === "notifications/message" && params(m).level === "warning");
    expect(JSON.stringify(warning?.params)).toMatch(/dropped/);
    // stderr is a pipe of its own: its line may arrive after the notice on stdout.
    await child.until(() => (/did not keep up/.test(child.stderr) ? true : undefined), "the drop warning on stderr");
    expect(child.stderr).toMatch(/did not keep up/);
    expect(child.garbage).toEqual([]);
    console.info(`slow consumer (stdio): ${totals.result.yielded} updates, ${totals.result.emitted} events (${dropped.server_events} dropped), ${totals.result.logged} logs (${dropped.logs} dropped)`);
  }, 30_000);
});
