import { PassThrough, Writable } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidInputError } from "../../src/protocol/envelope.js";
import { LineInput, type OversizedLine } from "../../src/transports/lineInput.js";
import { StdioInputTransport } from "../../src/transports/stdioTransport.js";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A LineInput over a PassThrough, recording what it hands over and what it skips. */
function input(maxLineBytes: number) {
  const source = new PassThrough();
  const lines = new LineInput(source, { maxLineBytes });
  const handed: string[] = [];
  const skipped: OversizedLine[] = [];
  lines.on("data", (chunk: Buffer) => handed.push(chunk.toString()));
  lines.onOversized = (line) => skipped.push(line);
  const feed = (...chunks: string[]) => {
    for (const chunk of chunks) source.emit("data", Buffer.from(chunk));
  };
  return { lines, handed, skipped, feed };
}

describe("LineInput", () => {
  it("hands over the complete lines of a chunk at once and holds a partial line until its newline", () => {
    const { handed, feed } = input(1_000);
    feed("a\nb\nc", "c\nd");
    expect(handed).toEqual(["a\nb\n", "cc\n"]);
    feed("\n");
    expect(handed).toEqual(["a\nb\n", "cc\n", "d\n"]);
  });

  it("skips a line over the limit that spans chunks, reports its size and edges, and reads on", () => {
    const { handed, skipped, feed } = input(10);
    feed('ok\n{"id":7,', '"x":"', "0123456789", '"}', "\nnext\n");
    expect(handed).toEqual(["ok\n", "next\n"]);
    expect(skipped).toEqual([{ bytes: 25, head: '{"id":7,"x":"0123456789"}', tail: '{"id":7,"x":"0123456789"}' }]);
  });

  it("cuts an oversized line out of the middle of one chunk, keeping the lines around it", () => {
    const { handed, skipped, feed } = input(5);
    feed("one\nthis line is too long\ntwo\nthree\n");
    expect(handed).toEqual(["one\n", "two\nthree\n"]);
    expect(skipped.map((line) => line.bytes)).toEqual([21]);
  });

  it("keeps only the first and last few kilobytes of a skipped line", () => {
    const { skipped, feed } = input(100);
    feed("[", "x".repeat(50_000), "y".repeat(50_000), "]\n");
    expect(skipped).toHaveLength(1);
    const [line] = skipped as [OversizedLine];
    expect(line.bytes).toBe(100_002);
    expect(line.head).toBe(`[${"x".repeat(4_095)}`);
    expect(line.tail).toBe(`${"y".repeat(4_095)}]`);
  });
});

/** The SDK's stdio transport reading through a LineInput, as serveStdio wires it. */
function transport(maxLineBytes = 1_000) {
  const source = new PassThrough();
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const stdio = new StdioInputTransport(new LineInput(source, { maxLineBytes }), sink);
  const seen: Array<JSONRPCMessage | InvalidInputError | Error> = [];
  stdio.onmessage = (message) => seen.push(message);
  stdio.onerror = (error) => seen.push(error);
  return { stdio, seen, feed: (text: string) => source.emit("data", Buffer.from(text)) };
}

describe("StdioInputTransport", () => {
  it("answers each unreadable line with its own request id, in order among good lines of the same read", async () => {
    const { stdio, seen, feed } = transport();
    await stdio.start();
    feed(
      [
        '{"jsonrpc":"2.0","id":1,"method":"ping"}',
        '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":null}',
        "",
        '{"jsonrpc":"2.0","id":3,"method":"ping"}',
        '{"jsonrpc":"2.0","id":"four","method":"x","extra":1}',
        '{"jsonrpc":"2.0","id":5,"method":"broken"',
        '{"jsonrpc":"2.0","id":6,"method":"ping"}',
        "",
      ].join("\n"),
    );
    const summary = seen.map((item) => (item instanceof InvalidInputError ? `error ${item.code} id ${JSON.stringify(item.id)}` : `message ${String((item as { id?: unknown }).id)}`));
    expect(summary).toEqual(["message 1", "error -32600 id 2", "error -32700 id null", "message 3", 'error -32600 id "four"', "error -32700 id 5", "message 6"]);
    await stdio.close();
  });

  it("answers an oversized line with -32600 naming the limit and reads the next line", async () => {
    const { stdio, seen, feed } = transport(100);
    await stdio.start();
    feed(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"pad":"${"p".repeat(200)}"}}\n{"jsonrpc":"2.0","id":10,"method":"ping"}\n`);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBeInstanceOf(InvalidInputError);
    expect(seen[0]).toMatchObject({ id: 9, code: -32600 });
    expect((seen[0] as Error).message).toMatch(/the line is 2\d\d bytes, over this server's limit of 100 bytes/);
    expect(seen[1]).toMatchObject({ id: 10, method: "ping" });
    await stdio.close();
  });

  it("costs good lines nothing but a counter: no second parse, no copy of a line", async () => {
    const { stdio, seen, feed } = transport(1 << 20);
    await stdio.start();
    const lines = Array.from({ length: 1_000 }, (_, i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "ping" })).join("\n") + "\n";
    const parse = vi.spyOn(JSON, "parse");
    feed(lines);
    // One parse per line: the SDK's own.
    expect(parse).toHaveBeenCalledTimes(1_000);
    expect(seen).toHaveLength(1_000);
    await stdio.close();
  });
});

describe("StdioInputTransport.send", () => {
  /** An output that takes `room` writes, then says full until `drain()`. */
  function output(room: number) {
    const written: string[] = [];
    const drainers: Array<() => void> = [];
    const out = {
      write(chunk: string) {
        written.push(chunk);
        return written.length <= room;
      },
      once(event: string, listener: () => void) {
        if (event === "drain") drainers.push(listener);
        return out;
      },
      drain: () => drainers.splice(0).forEach((listener) => listener()),
    };
    return { out, written };
  }

  it("writes a notification as one JSON line, and settles its send only once a full pipe drained", async () => {
    const { out, written } = output(1);
    const stdio = new StdioInputTransport(new LineInput(new PassThrough()), out as unknown as Writable);
    const progress = { jsonrpc: "2.0" as const, method: "notifications/progress", params: { progressToken: 1, progress: 1 } };
    await stdio.send(progress);
    let settled = false;
    const second = stdio.send({ ...progress, params: { progressToken: 1, progress: 2 } }).then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    out.drain();
    await second;
    expect(written.map((line) => JSON.parse(line) as unknown)).toEqual([progress, { ...progress, params: { progressToken: 1, progress: 2 } }]);
    expect(written.every((line) => line.endsWith("}\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
  });

  it("sends requests and answers through the SDK transport, in order with the notifications", async () => {
    const { out, written } = output(100);
    const stdio = new StdioInputTransport(new LineInput(new PassThrough()), out as unknown as Writable);
    await stdio.send({ jsonrpc: "2.0", id: 1, method: "ping" });
    await stdio.send({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "x" } });
    await stdio.send({ jsonrpc: "2.0", id: 2, result: {} });
    expect(written.map((line) => (JSON.parse(line) as { id?: number; method?: string }).id ?? (JSON.parse(line) as { method: string }).method)).toEqual([
      1,
      "notifications/message",
      2,
    ]);
  });
});
