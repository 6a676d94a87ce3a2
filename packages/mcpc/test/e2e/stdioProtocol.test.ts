/**
 * Protocol hygiene over stdio (issue 11), against a real child process:
 * oversized lines, malformed envelopes with a readable id, invalid params,
 * requests before `initialize`, a second `initialize`, and a client that
 * never answers pings.
 */
import { afterEach, describe, expect, it } from "vitest";
import { fixture } from "./harness.js";
import { StdioChild, type Message, type StdioChildOptions } from "./stdioChild.js";

const SERVER = fixture("hardeningServer.ts");
const TEN_MIB = 10 * 1024 * 1024;

const children: StdioChild[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

function start(options: StdioChildOptions = {}): StdioChild {
  const child = new StdioChild(SERVER, options);
  children.push(child);
  return child;
}

const errorOf = (m: Message) => m.error as { code: number; message: string; data?: unknown } | undefined;
const textOf = (m: Message) => ((m.result as { content?: Array<{ text?: string }> } | undefined)?.content?.[0]?.text ?? "");

describe("a stdio line over the limit (10 MiB by default)", () => {
  it("is skipped and answered with -32600 naming the limit and the request's id; the session goes on serving", async () => {
    const child = start();
    await child.initialize(false);
    const pad = "x".repeat(TEN_MIB + 1024);
    // Our order (id first), then the SDK client's (id last): the id is read from either end of the line.
    child.send(JSON.stringify({ jsonrpc: "2.0", id: 42, method: "tools/call", params: { name: "progress_once", arguments: { pad } } }));
    child.send(JSON.stringify({ method: "tools/call", params: { name: "progress_once", arguments: { pad } }, jsonrpc: "2.0", id: "last" }));
    for (const id of [42, "last"]) {
      const answer = await child.answer(id);
      expect(errorOf(answer)?.code).toBe(-32600);
      expect(errorOf(answer)?.message).toContain(`limit of ${TEN_MIB} bytes`);
    }
    // A line with no readable id at either end: answered with id null.
    child.send(`{"params":{"pad":"${pad}"},"jsonrpc":"2.0","method":"tools/list"}`);
    const anonymous = await child.waitFor((m) => m.id === null && errorOf(m)?.code === -32600, "the answer to a line without an id");
    expect(errorOf(anonymous)?.message).toContain("maxLineBytes");
    const list = await child.request(5, "tools/list");
    expect((list.result as { tools: unknown[] }).tools.length).toBeGreaterThan(0);
    expect(child.stderr).toMatch(/unreadable input from the client: Invalid Request: the line is \d+ bytes/);
    expect(child.child.exitCode).toBeNull();
  });
});

describe("a request with a readable id and an invalid envelope", () => {
  it("is answered -32600 with its own id and a message naming the field, line by line, in one read", async () => {
    const child = start();
    await child.initialize(false);
    const bad: Array<[number, Record<string, unknown>, RegExp]> = [
      [11, { params: null }, /"params" must be an object.*got null/],
      [12, { params: [1, 2] }, /"params" must be an object.*got an array/],
      [13, { params: "text" }, /"params" must be an object.*got "text"/],
      [14, { params: { _meta: 5 } }, /"params\._meta" must be an object; got 5/],
      [15, { params: { _meta: { progressToken: { a: 1 } } } }, /"params\._meta\.progressToken" must be a string or an integer; got an object/],
      [16, { extra: true }, /unknown member "extra"/],
    ];
    // Good and bad lines interleaved in one write: each answer must carry its own line's id.
    const lines = bad.flatMap(([id, fields]) => [
      JSON.stringify({ jsonrpc: "2.0", id, method: "tools/list", ...fields }),
      JSON.stringify({ jsonrpc: "2.0", id: id + 100, method: "ping" }),
    ]);
    child.send(lines.join("\n"));
    for (const [id, , message] of bad) {
      const answer = await child.answer(id);
      expect(errorOf(answer)?.code).toBe(-32600);
      expect(errorOf(answer)?.message).toMatch(message);
      expect((await child.answer(id + 100)).result).toEqual({});
    }
    // A response with a bad shape is never answered with its id (that id is the server's own).
    child.send(JSON.stringify({ jsonrpc: "2.0", id: 99, result: {}, extra: 1 }));
    expect(errorOf(await child.waitFor((m) => m.id === null && errorOf(m)?.code === -32600, "the answer to a bad response"))?.message).toMatch(/extra/);
    expect(child.messages.some((m) => m.id === 99)).toBe(false);
  });
});

describe("invalid params of a known method", () => {
  it("get -32602 naming the field in one line, for tools/call and logging/setLevel alike", async () => {
    const child = start();
    await child.initialize(false);
    const call = errorOf(await child.request(2, "tools/call", { name: 5 }));
    expect(call).toMatchObject({ code: -32602, message: "Invalid params: params.name: expected string, received number." });
    const level = errorOf(await child.request(3, "logging/setLevel", { level: "loud" }));
    expect(level?.code).toBe(-32602);
    expect(level?.message).toMatch(/^Invalid params: params\.level: Invalid option: expected one of "debug"\|/);
    expect(level?.message).not.toContain("\n");
  });
});

describe("initialize", () => {
  it("is required before any request but ping, background tools included", async () => {
    const child = start();
    const early = errorOf(await child.request(1, "tools/call", { name: "quiet", arguments: {}, _meta: { progressToken: "p" } }));
    expect(early).toMatchObject({ code: -32600 });
    expect(early?.message).toMatch(/"tools\/call" before "initialize": send "initialize" first/);
    expect(errorOf(await child.request(2, "tools/list"))?.code).toBe(-32600);
    expect((await child.request(3, "ping")).result).toEqual({});
    await child.initialize(true, 4);
    expect((await child.request(5, "tools/list")).result).toBeDefined();
    // Nothing was started before initialize: no progress for the refused call.
    expect(child.messages.some((m) => m.method === "notifications/progress")).toBe(false);
  });

  it("is refused a second time, and the session keeps its first negotiation", async () => {
    const child = start();
    expect((await child.initialize(true, 1)).result).toMatchObject({ capabilities: { experimental: { mcpc: { version: "1.0" } } } });
    // A second initialize without MCPC would have made this a plain session.
    const again = await child.initialize(false, 2);
    expect(errorOf(again)?.code).toBe(-32600);
    expect(errorOf(again)?.message).toMatch(/already initialized.*keeps its first negotiation/);
    child.send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "progress_once", arguments: {}, _meta: { "mcpc/task": { task_id: "t-1" } } } });
    expect(textOf(await child.answer(3))).toContain('"event":"created"');
  });
});

describe("a client that never answers pings", () => {
  it("costs one barrier timeout per session, not one per call with progress", async () => {
    const child = start({ answerPings: false, env: { MCPC_PING_TIMEOUT_MS: "300" } });
    await child.initialize(false);
    const pings = () => child.messages.filter((m) => m.method === "ping").length;
    const call = (id: number) =>
      child.request(id, "tools/call", { name: "progress_once", arguments: {}, _meta: { progressToken: `p${id}` } });
    expect(textOf(await call(2))).toBe("done");
    expect(pings()).toBe(1);
    // Later calls do not ping (and so do not wait out the timeout).
    for (let id = 3; id <= 5; id++) expect(textOf(await call(id))).toBe("done");
    expect(pings()).toBe(1);
    expect(child.messages.filter((m) => m.method === "notifications/progress")).toHaveLength(4);
    const warnings = child.stderr.match(/did not answer a ping within 300 ms/g) ?? [];
    expect(warnings).toHaveLength(1);
  });
});
