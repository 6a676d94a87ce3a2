import { describe, expect, it } from "vitest";
import { errorResult, toToolResult } from "../../src/call/toolResult.js";

describe("toToolResult", () => {
  it("makes a string one text item", () => {
    expect(toToolResult("hello")).toEqual({ content: [{ type: "text", text: "hello" }] });
  });

  it("makes an empty string an empty text item, not an empty result", () => {
    expect(toToolResult("")).toEqual({ content: [{ type: "text", text: "" }] });
  });

  it.each([
    [42, "42"],
    [0, "0"],
    [-1.5, "-1.5"],
    [true, "true"],
    [false, "false"],
    [10n, "10"],
  ])("makes %o the text %j", (value, text) => {
    expect(toToolResult(value)).toEqual({ content: [{ type: "text", text }] });
  });

  it("makes a plain object its JSON text and its structuredContent", () => {
    const value = { dataId: "abc", summary: "ok", nested: { n: 1 } };
    const result = toToolResult(value);
    expect(result.structuredContent).toEqual(value);
    expect(result.content).toEqual([{ type: "text", text: JSON.stringify(value) }]);
  });

  it("gives a Date only its JSON text: structured content is for plain objects", () => {
    const result = toToolResult(new Date(0));
    expect(result).toEqual({ content: [{ type: "text", text: '"1970-01-01T00:00:00.000Z"' }] });
  });

  it("makes an array JSON text without structuredContent", () => {
    const result = toToolResult([1, "two", { three: 3 }]);
    expect(result).toEqual({ content: [{ type: "text", text: '[1,"two",{"three":3}]' }] });
    expect(result).not.toHaveProperty("structuredContent");
  });

  it.each([[null], [undefined]])("makes %s an empty result", (value) => {
    expect(toToolResult(value)).toEqual({ content: [] });
  });

  it("passes a value that already is a tool result through unchanged", () => {
    const result = {
      content: [
        { type: "text", text: "done" },
        { type: "image", data: "AAAA", mimeType: "image/png" },
      ],
      isError: false,
    };
    expect(toToolResult(result)).toBe(result);
  });

  it("answers a tool result the MCP schema refuses with an error result that says where and why", () => {
    const result = toToolResult({ content: [{ type: "text", text: "fine" }, { type: "text" }] });
    expect(result.isError).toBe(true);
    const text = (result.content[0] as { text: string }).text;
    expect(text).toContain("the MCP schema refuses at content.1");
    expect(text).toContain("a text block needs its text");
  });

  it("does not mistake an object whose content is not a list of typed items for a tool result", () => {
    const notResult = { content: "just a field" };
    expect(toToolResult(notResult)).toEqual({ content: [{ type: "text", text: '{"content":"just a field"}' }], structuredContent: notResult });
    const untyped = { content: [{ text: "no type" }] };
    expect(toToolResult(untyped).structuredContent).toEqual(untyped);
  });
});

describe("errorResult", () => {
  it("makes an isError result whose text is the message", () => {
    expect(errorResult("Disk full")).toEqual({ content: [{ type: "text", text: "Disk full" }], isError: true });
  });
});
