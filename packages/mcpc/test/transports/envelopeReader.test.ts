import { PassThrough } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { EnvelopeReadBuffer, readEnvelope } from "../../src/transports/envelopeReader.js";
import { installEnvelopeReader } from "../../src/transports/stdioTransport.js";

const RELATED = "io.modelcontextprotocol/related-task";

/** Lines the SDK's schema accepts and refuses, for the parity checks below. */
const CASES: unknown[] = [
  { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "x", arguments: { a: [1, { b: null }] }, _meta: { progressToken: 7 } } },
  { jsonrpc: "2.0", id: "s", method: "tools/list" },
  { jsonrpc: "2.0", id: 0, method: "m", params: {} },
  { jsonrpc: "2.0", id: -3, method: "m", params: { _meta: {} } },
  { jsonrpc: "2.0", id: 1, method: "m", params: { _meta: { progressToken: "t", other: 1 } } },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 3, reason: "r" } },
  { jsonrpc: "2.0", id: 9, result: {} },
  { jsonrpc: "2.0", id: 9, result: { content: [], _meta: { progressToken: 1 } } },
  { jsonrpc: "2.0", id: 9, error: { code: -32601, message: "nope" } },
  { jsonrpc: "2.0", error: { code: -32700, message: "parse" } },
  { jsonrpc: "2.0", id: 1, method: "m", params: { _meta: { [RELATED]: { taskId: "t" } } } },
  { jsonrpc: "2.0", id: 1, method: "m", params: { _meta: { [RELATED]: { taskId: 5 } } } },
  // Refused by the schema: each must be refused here too, with the same error.
  { jsonrpc: "2.0", id: 1.5, method: "m" },
  { jsonrpc: "2.0", id: 2 ** 60, method: "m" },
  { jsonrpc: "2.0", id: null, method: "m" },
  { jsonrpc: "2.0", id: true, method: "m" },
  { jsonrpc: "1.0", id: 1, method: "m" },
  { id: 1, method: "m" },
  { jsonrpc: "2.0", id: 1, method: 5 },
  { jsonrpc: "2.0", id: 1, method: "m", extra: 1 },
  { jsonrpc: "2.0", id: 1, method: "m", params: [] },
  { jsonrpc: "2.0", id: 1, method: "m", params: null },
  { jsonrpc: "2.0", id: 1, method: "m", params: "p" },
  { jsonrpc: "2.0", id: 1, method: "m", params: { _meta: null } },
  { jsonrpc: "2.0", id: 1, method: "m", params: { _meta: [] } },
  { jsonrpc: "2.0", id: 1, method: "m", params: { _meta: { progressToken: true } } },
  { jsonrpc: "2.0", id: 1, method: "m", params: { _meta: { progressToken: 1.5 } } },
  { jsonrpc: "2.0", id: 1, method: "m", params: { _meta: { progressToken: null } } },
  { jsonrpc: "2.0", id: 1, result: [] },
  { jsonrpc: "2.0", id: 1, result: null },
  { jsonrpc: "2.0", result: {} },
  { jsonrpc: "2.0", id: 1, result: {}, method: "m" },
  { jsonrpc: "2.0", id: 1, result: {}, error: { code: 1, message: "m" } },
  { jsonrpc: "2.0" },
  [],
  null,
  "text",
  42,
];

/** What the SDK's own `deserializeMessage` does with the line: the message, or the error it throws. */
function sdkRead(line: string): { message?: unknown; error?: unknown } {
  try {
    return { message: JSONRPCMessageSchema.parse(JSON.parse(line)) };
  } catch (error) {
    return { error };
  }
}

function mcpcRead(line: string): { message?: unknown; error?: unknown } {
  try {
    return { message: readEnvelope(line) };
  } catch (error) {
    return { error };
  }
}

function expectParity(line: string): void {
  const sdk = sdkRead(line);
  const mine = mcpcRead(line);
  if (sdk.error) {
    expect(mine.error, line).toBeDefined();
    expect((mine.error as Error).name, line).toBe((sdk.error as Error).name);
    expect((mine.error as Error).message, line).toBe((sdk.error as Error).message);
  } else {
    expect(mine.error, line).toBeUndefined();
    expect(mine.message, line).toEqual(sdk.message);
  }
}

/** A small deterministic generator (the parity sweep must be the same on every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("readEnvelope", () => {
  it("accepts and refuses exactly what the SDK's JSON-RPC schema does, with the same message or the same error", () => {
    for (const value of CASES) expectParity(JSON.stringify(value));
    expectParity("{not json");
    expectParity('{"jsonrpc":"2.0","id":1,"method":"m","__proto__":{"x":1}}');
  });

  it("agrees with the schema on 3,000 mutations of well-formed messages (keys dropped, added, retyped)", () => {
    const next = random(18);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const values: unknown[] = [1, -1, 0, 1.5, 2 ** 60, "s", "", true, null, [], {}, { progressToken: 1 }, { progressToken: "x", [RELATED]: { taskId: "t" } }];
    const keys = ["jsonrpc", "id", "method", "params", "result", "error", "_meta", "extra"];
    let accepted = 0;
    for (let i = 0; i < 3_000; i++) {
      const base = structuredClone(pick(CASES.slice(0, 9))) as Record<string, unknown>;
      const target = next() < 0.5 || typeof base.params !== "object" || base.params === null ? base : (base.params as Record<string, unknown>);
      const key = pick(keys);
      const roll = next();
      if (roll < 0.3) delete target[key];
      else if (roll < 0.9) target[key] = pick(values);
      const line = JSON.stringify(base);
      expectParity(line);
      if (!sdkRead(line).error) accepted++;
    }
    // Both sides of the rule were exercised.
    expect(accepted).toBeGreaterThan(300);
    expect(accepted).toBeLessThan(2_700);
  });

  it("hands on the parsed JSON itself for the common shapes (no copy), and zod's copy for the others", () => {
    const request = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "x", _meta: { progressToken: 1 } } };
    const line = JSON.stringify(request);
    const original = JSON.parse;
    let parsed: unknown;
    JSON.parse = (text: string) => (parsed = original(text) as unknown);
    try {
      expect(readEnvelope(line)).toBe(parsed);
      const error = { jsonrpc: "2.0", id: 1, error: { code: 1, message: "m" } };
      expect(readEnvelope(JSON.stringify(error))).not.toBe(parsed);
    } finally {
      JSON.parse = original;
    }
  });
});

describe("EnvelopeReadBuffer", () => {
  it("reads whole lines in order, keeps a partial line until its newline, and drops a trailing \\r", () => {
    const buffer = new EnvelopeReadBuffer();
    expect(buffer.readMessage()).toBeNull();
    buffer.append(Buffer.from('{"jsonrpc":"2.0","method":"a"}\r\n{"jsonrpc":"2.0","id":1,"res'));
    expect(buffer.readMessage()).toEqual({ jsonrpc: "2.0", method: "a" });
    expect(buffer.readMessage()).toBeNull();
    buffer.append(Buffer.from('ult":{}}\n{"jsonrpc":"2.0","method":"b"}\n'));
    const read: JSONRPCMessage[] = [];
    for (let message = buffer.readMessage(); message; message = buffer.readMessage()) read.push(message);
    expect(read).toEqual([{ jsonrpc: "2.0", id: 1, result: {} }, { jsonrpc: "2.0", method: "b" }]);
    buffer.append(Buffer.from('{"jsonrpc":"2.0"'));
    buffer.clear();
    expect(buffer.readMessage()).toBeNull();
  });

  it("consumes a bad line before it throws, so the next line is still read", () => {
    const buffer = new EnvelopeReadBuffer();
    buffer.append(Buffer.from('{bad\n{"jsonrpc":"2.0","method":"after"}\n'));
    expect(() => buffer.readMessage()).toThrow(SyntaxError);
    expect(buffer.readMessage()).toEqual({ jsonrpc: "2.0", method: "after" });
  });
});

describe("installEnvelopeReader", () => {
  it("replaces the read buffer of this SDK's StdioServerTransport (fails when the SDK moves its private field)", async () => {
    const stdin = new PassThrough();
    const transport = new StdioServerTransport(stdin, new PassThrough());
    expect(installEnvelopeReader(transport)).toBe(true);
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (message) => received.push(message);
    await transport.start();
    stdin.write('{"jsonrpc":"2.0","id":4,"method":"ping"}\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual([{ jsonrpc: "2.0", id: 4, method: "ping" }]);
    await transport.close();
  });

  it("leaves a transport without that field alone", () => {
    const transport = new StdioServerTransport(new PassThrough(), new PassThrough());
    (transport as unknown as { _readBuffer: unknown })._readBuffer = {};
    expect(installEnvelopeReader(transport)).toBe(false);
  });
});
