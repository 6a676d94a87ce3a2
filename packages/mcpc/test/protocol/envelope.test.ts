/** The pure halves of protocol hygiene: diagnoseEnvelope, idFromEdges (protocol/envelope.ts) and invalidParamsFromDump (protocol/paramsIssues.ts). */
import { CallToolRequestSchema, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { diagnoseEnvelope, idFromEdges } from "../../src/protocol/envelope.js";
import { invalidParamsFromDump } from "../../src/protocol/paramsIssues.js";

const request = (fields: Record<string, unknown>) => ({ jsonrpc: "2.0", id: 7, method: "tools/list", ...fields });

describe("diagnoseEnvelope", () => {
  it("finds every fault the SDK's schema refuses, with the request's id", () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [request({ params: null }), /"params" must be an object \(named parameters\) or left out; got null\.$/],
      [request({ params: [] }), /got an array/],
      [request({ params: "s" }), /got "s"/],
      [request({ params: { _meta: [] } }), /"params\._meta" must be an object; got an array/],
      [request({ params: { _meta: { progressToken: 1.5 } } }), /progressToken" must be a string or an integer; got 1\.5/],
      [request({ params: { _meta: { "io.modelcontextprotocol/related-task": "t" } } }), /related-task.*must be \{ "taskId": "<id>" \}/],
      [request({ extra: 1 }), /unknown member "extra"/],
      [request({ jsonrpc: "1.0" }), /"jsonrpc" must be "2\.0"; got "1\.0"/],
      [request({ method: 5 }), /"method" must be a string; got 5/],
    ];
    for (const [message, expected] of cases) {
      // Each one really is refused by the SDK.
      expect(JSONRPCMessageSchema.safeParse(message).success).toBe(false);
      const problem = diagnoseEnvelope(message);
      expect(problem).toMatchObject({ id: 7, code: -32600 });
      expect(problem.message).toMatch(expected);
    }
  });

  it("answers with id null what has no usable id, and every response", () => {
    expect(diagnoseEnvelope([{ jsonrpc: "2.0" }]).message).toMatch(/batch/);
    expect(diagnoseEnvelope("text")).toMatchObject({ id: null });
    expect(diagnoseEnvelope({ jsonrpc: "2.0", id: { a: 1 }, method: "x" })).toMatchObject({ id: null, message: expect.stringMatching(/"id" must be a string or an integer/) as unknown });
    expect(diagnoseEnvelope({ jsonrpc: "2.0", id: 3, result: 5 })).toMatchObject({ id: null, message: expect.stringMatching(/"result" must be an object/) as unknown });
    expect(diagnoseEnvelope({ jsonrpc: "2.0", id: 3, error: { code: "x", message: "m" } })).toMatchObject({ id: null });
    expect(diagnoseEnvelope({ jsonrpc: "2.0", id: 3 })).toMatchObject({ id: null, message: expect.stringMatching(/no "method"/) as unknown });
  });

  it("answers a number the SDK refuses as an id (a fraction, past 2^53) with that number, as sent", () => {
    expect(diagnoseEnvelope({ jsonrpc: "2.0", id: 1.5, method: "x" })).toMatchObject({ id: 1.5, code: -32600, message: expect.stringContaining('"id" must be a string or an integer; got 1.5') as unknown });
    expect(diagnoseEnvelope({ jsonrpc: "3.0", id: 2 ** 53 + 2, method: "ping" })).toMatchObject({ id: 2 ** 53 + 2 });
    expect(diagnoseEnvelope({ jsonrpc: "2.0", id: 1.5, result: {} })).toMatchObject({ id: null });
  });

  it("words what it does not know from the SDK's issues", () => {
    expect(diagnoseEnvelope(request({}), [{ path: ["params", "x"], message: "odd" }]).message).toBe('Invalid Request: "params.x": odd.');
  });
});

describe("idFromEdges", () => {
  it("reads a top-level id from a line's start, skipping nested ids", () => {
    expect(idFromEdges('{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"pad":"xx', "")).toBe(12);
    expect(idFromEdges('{"params":{"id":99},"id":"abc","method":', "")).toBe("abc");
    expect(idFromEdges('{"params":{"id":99,"pad":"xxx', "")).toBeNull();
  });

  it("reads the id that ends the line (the SDK client writes id last)", () => {
    expect(idFromEdges('{"method":"tools/call","params":{"pad":"x', 'xxxx"}},"jsonrpc":"2.0","id":41}')).toBe(41);
    expect(idFromEdges('{"method":"tools/call","params":{"pad":"x', 'xxxx"}},"jsonrpc":"2.0","id":"r-1"}\r')).toBe("r-1");
  });

  it("never answers a response with its id", () => {
    expect(idFromEdges('{"jsonrpc":"2.0","id":5,"result":{"content":[', "")).toBeNull();
    expect(idFromEdges('{"result":{"pad":"x', 'x"},"jsonrpc":"2.0","id":5}')).toBeNull();
  });
});

describe("invalidParamsFromDump", () => {
  it("turns the SDK's zod dump into -32602 naming the field", () => {
    const parsed = CallToolRequestSchema.safeParse({ method: "tools/call", params: { name: 5 } });
    expect(parsed.success).toBe(false);
    const error = invalidParamsFromDump(parsed.error?.message ?? "");
    expect(error).toEqual({
      code: -32602,
      message: "Invalid params: params.name: expected string, received number.",
      data: { issues: [{ path: "params.name", message: "expected string, received number" }] },
    });
  });

  it("leaves every other message alone", () => {
    expect(invalidParamsFromDump("Internal error")).toBeUndefined();
    expect(invalidParamsFromDump("[1, 2]")).toBeUndefined();
    expect(invalidParamsFromDump('[{"not":"an issue"}]')).toBeUndefined();
    expect(invalidParamsFromDump("[{ broken")).toBeUndefined();
  });
});
