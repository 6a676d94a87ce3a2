import { describe, expect, it } from "vitest";
import { faultAnswers } from "../../../src/transports/http/envelope.js";

describe("faultAnswers: what a POST body is owed instead of the SDK's id-null refusal", () => {
  it("leaves valid messages to the SDK", () => {
    expect(faultAnswers({ jsonrpc: "2.0", id: 1, method: "tools/list" })).toBeUndefined();
    expect(faultAnswers({ jsonrpc: "2.0", id: "x", method: "tools/call", params: { name: "a", _meta: { progressToken: 3 } } })).toBeUndefined();
    expect(faultAnswers({ jsonrpc: "2.0", method: "notifications/initialized" })).toBeUndefined();
    expect(faultAnswers([{ jsonrpc: "2.0", id: 1, method: "ping" }, { jsonrpc: "2.0", id: 1, result: {} }])).toBeUndefined();
  });

  it("answers an invalid request with its id, -32600 and the field", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ params: null }, '"params"'],
      [{ params: [] }, '"params"'],
      [{ params: "s" }, '"params"'],
      [{ params: { _meta: [] } }, '"params._meta"'],
      [{ params: { _meta: { progressToken: { a: 1 } } } }, '"params._meta.progressToken"'],
      [{ extra: 1 }, '"extra"'],
      [{ jsonrpc: "1.0" }, '"jsonrpc"'],
    ];
    for (const [change, field] of cases) {
      const answer = faultAnswers({ jsonrpc: "2.0", id: 9, method: "tools/list", ...change });
      expect(answer, JSON.stringify(change)).toMatchObject({ jsonrpc: "2.0", id: 9, error: { code: -32600, message: expect.stringContaining(field) } });
    }
  });

  it("leaves to the SDK what has no id to answer: unreadable ids, notifications, responses", () => {
    expect(faultAnswers({ jsonrpc: "2.0", id: { deep: true }, method: "ping", params: null })).toBeUndefined();
    expect(faultAnswers({ jsonrpc: "2.0", method: "notifications/progress", params: null })).toBeUndefined();
    expect(faultAnswers({ jsonrpc: "2.0", id: 3, result: "not an object" })).toBeUndefined();
    expect(faultAnswers("text")).toBeUndefined();
  });

  it("answers every request of a batch with an invalid message, each with its id", () => {
    const answers = faultAnswers([
      { jsonrpc: "2.0", id: 1, method: "ping" },
      { jsonrpc: "2.0", method: "notifications/progress", params: 5 },
      { jsonrpc: "2.0", id: 3, method: "ping", params: null },
      { jsonrpc: "2.0", id: 4, result: {} },
    ]);
    expect(answers).toEqual([
      { jsonrpc: "2.0", id: 1, error: { code: -32600, message: expect.stringContaining("message 1 of the same batch is invalid") } },
      { jsonrpc: "2.0", id: 3, error: { code: -32600, message: expect.stringContaining('"params"') } },
    ]);
  });
});
