/**
 * Golden transcripts of the legacy dialect: a raw JSON-lines driver (no SDK)
 * plays a Python mcpc 0.2.x client through a whole session, for each of the
 * three handshake dialects, against the decorator path and the helper path.
 * Every reply is compared as parsed JSON.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MCPC_PACKAGE_VERSION } from "../../src/version.js";
import { RawProcess, fixture } from "./harness.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

type Line = Record<string, unknown>;

/** The three Python client generations: handshake tool, its arguments, the call tag. */
const DIALECTS = [
  { version: "0.2.2", tool: "is_mcpc_enabled", args: {}, tag: (s: string, t: string) => ({ _metadata: { mcpc_session_id: s, mcpc_task_id: t } }) },
  {
    version: "0.2.4",
    tool: "_is_mcpc_enabled",
    args: { mcpc_info: { mcpc_enabled: true, mcpc_version: "0.2.4", mcpc_provider: "python-client" } },
    tag: (s: string, t: string) => ({ _metadata: { mcpc_session_id: s, mcpc_task_id: t } }),
  },
  {
    version: "0.2.6",
    tool: "_mcpc_init",
    args: { mcpc_info: { mcpc_enabled: true, mcpc_version: "0.2.6", mcpc_provider: "python-client" } },
    tag: (s: string, t: string) => ({ mcpc_params: { session_id: s, task_id: t } }),
  },
] as const;

const SERVERS = [
  { path: "the decorator path", file: fixture("stdioServer.ts") },
  { path: "the helper path (plain McpServer + attach)", file: fixture("helperServer.ts") },
];

/** A Python client's session, line by line. */
class PythonClient {
  readonly raw: RawProcess;
  #id = 0;
  constructor(file: string) {
    this.raw = new RawProcess(file);
    cleanups.push(() => this.raw.kill());
  }

  async request(method: string, params?: Record<string, unknown>): Promise<{ id: number; answer: Line }> {
    const id = ++this.#id;
    this.raw.send(JSON.stringify({ jsonrpc: "2.0", id, method, ...(params && { params }) }));
    return { id, answer: await this.raw.waitFor((m) => m.id === id) };
  }

  async start(): Promise<void> {
    const { answer } = await this.request("initialize", { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "mcp", version: "0.1.0" } });
    expect(answer.result).toMatchObject({ serverInfo: { name: "fixture" } });
    this.raw.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  }

  /** Every MCPC_CALLBACK line so far, checked for the envelope's exact shape, as its message. */
  callbacks(): Line[] {
    return this.lines()
      .filter((m) => m.id === "MCPC_CALLBACK")
      .map((m) => {
        expect(Object.keys(m).sort()).toEqual(["id", "jsonrpc", "result"]);
        const result = m.result as { content: Array<Record<string, unknown>>; isError: boolean };
        expect(result.isError).toBe(false);
        expect(result.content).toHaveLength(1);
        expect(result.content[0]).toMatchObject({ type: "text", annotations: null });
        return JSON.parse(String(result.content[0]?.text)) as Line;
      });
  }

  lines(): Line[] {
    return this.raw.lines.map((line) => JSON.parse(line) as Line);
  }

  /** Index of the first line `match` accepts. */
  indexOf(match: (m: Line) => boolean): number {
    return this.lines().findIndex(match);
  }

  /** Waits for a callback whose message `match` accepts; resolves with that message. */
  async waitForCallback(match: (m: Line) => boolean): Promise<Line> {
    const message = (line: Line) => JSON.parse(String((line.result as { content: Array<{ text: string }> }).content[0]?.text)) as Line;
    return message(await this.raw.waitFor((m) => m.id === "MCPC_CALLBACK" && match(message(m))));
  }
}

const textOf = (answer: Line): unknown => JSON.parse(String(((answer.result as { content: Array<{ text: string }> }).content[0] ?? { text: "null" }).text));
const task = (event: string, taskId: string, toolName: string, result: unknown, sessionId = "sess-1") => ({
  type: "task",
  event,
  session_id: sessionId,
  task_id: taskId,
  tool_name: toolName,
  result,
  protocol: "mcpc",
});

describe.each(SERVERS)("a Python mcpc client against $path", ({ file }) => {
  it.each(DIALECTS)("plays a whole $version session ($tool): handshake, created, updates, complete, failed, a stop, a server event", async (dialect) => {
    const py = new PythonClient(file);
    await py.start();

    const { answer: listed } = await py.request("tools/list");
    const listedText = JSON.stringify(listed.result);
    for (const hidden of ["is_mcpc_enabled", "_mcpc_init", "_metadata", "mcpc_params", "$defs"]) expect(listedText).not.toContain(hidden);

    // The handshake: the exact answer shape of this generation.
    const { answer: hello } = await py.request("tools/call", { name: dialect.tool, arguments: dialect.args });
    expect((hello.result as { isError?: boolean }).isError).toBeFalsy();
    expect((hello.result as { content: unknown[] }).content).toHaveLength(1);
    expect(textOf(hello)).toEqual({
      mcpc_enabled: true,
      mcpc_version: MCPC_PACKAGE_VERSION,
      mcpc_provider: "fixture",
      ...(dialect.tool === "is_mcpc_enabled" && { mcpc_direct_updates: true }),
    });

    // A background task: created is the call's own answer, written before any callback.
    const { id: countId, answer: created } = await py.request("tools/call", { name: "count", arguments: { n: 3, ...dialect.tag("sess-1", "task-1") } });
    expect(created.result).toEqual({ content: [{ type: "text", text: expect.any(String) }] });
    expect(textOf(created)).toEqual(task("created", "task-1", "count", null));
    await py.waitForCallback((m) => m.task_id === "task-1" && m.event === "complete");
    expect(py.callbacks().filter((m) => m.task_id === "task-1")).toEqual([
      task("update", "task-1", "count", { progress: 1, total: 3, message: "item 1" }),
      task("update", "task-1", "count", { progress: 2, total: 3, message: "item 2" }),
      task("update", "task-1", "count", { progress: 3, total: 3, message: "item 3" }),
      task("complete", "task-1", "count", { counted: 3 }),
    ]);
    expect(py.indexOf((m) => m.id === countId)).toBeLessThan(py.indexOf((m) => m.id === "MCPC_CALLBACK"));

    // A failing task ends with one failed callback carrying the message.
    const { answer: boomCreated } = await py.request("tools/call", { name: "boom", arguments: dialect.tag("sess-1", "task-2") });
    expect(textOf(boomCreated)).toEqual(task("created", "task-2", "boom", null));
    await py.waitForCallback((m) => m.task_id === "task-2" && m.event === "failed");
    expect(py.callbacks().filter((m) => m.task_id === "task-2")).toEqual([
      task("update", "task-2", "boom", "about to fail"),
      task("failed", "task-2", "boom", "the disk is full"),
    ]);

    // A stopped task ends failed (the dialect has no cancelled), with a result saying so.
    await py.request("tools/call", { name: "watch", arguments: dialect.tag("sess-1", "task-3") });
    await py.waitForCallback((m) => m.task_id === "task-3" && m.event === "update");
    const { answer: stopped } = await py.request("mcpc/tasks/stop", { task_id: "task-3" });
    expect(stopped.result).toMatchObject({ stopped: true, task: { status: "cancelled" } });
    const terminal = py.callbacks().filter((m) => m.task_id === "task-3" && m.event !== "update");
    expect(terminal).toEqual([task("failed", "task-3", "watch", expect.stringMatching(/^Task was stopped before it finished: .*stopped/))]);

    // A server event reaches this session as a callback, with the client's session id echoed.
    const { answer: announced } = await py.request("tools/call", { name: "announce", arguments: { text: "hello", ...dialect.tag("sess-1", "task-4") } });
    expect((announced.result as { structuredContent?: unknown }).structuredContent).toEqual({ sent: 1 });
    const event = await py.waitForCallback((m) => m.type === "server_event");
    expect(event).toEqual({ type: "server_event", event: "announcement", session_id: "sess-1", task_id: null, tool_name: null, result: { text: "hello" }, protocol: "mcpc" });

    // Nothing of the native dialect ever reached this session.
    expect(py.raw.lines.some((line) => line.includes("notifications/mcpc"))).toBe(false);
  });
});
