import { describe, expect, it } from "vitest";
import { describeValue, errorMessage } from "../../src/util/describe.js";

describe("errorMessage", () => {
  it("never throws, even for a Proxy whose every trap throws", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("get");
        },
        getPrototypeOf() {
          throw new Error("getPrototypeOf");
        },
        ownKeys() {
          throw new Error("ownKeys");
        },
      },
    );
    expect(() => errorMessage(hostile)).not.toThrow();
    expect(errorMessage(hostile).length).toBeGreaterThan(0);
  });

  it("keeps an Error's message, a thrown string, and the JSON of plain data", () => {
    expect(errorMessage(new Error("disk full"))).toBe("disk full");
    expect(errorMessage(new TypeError(""))).toBe("TypeError");
    expect(errorMessage("plain words")).toBe("plain words");
    expect(errorMessage({ code: 7 })).toBe('{"code":7}');
  });

  it("cuts a huge message at 8 KiB and says how much was left out", () => {
    const message = errorMessage(new Error("x".repeat(20_000)));
    expect(message.length).toBeLessThan(8_300);
    expect(message).toMatch(/… \(11808 more characters\)$/);
  });
});

describe("describeValue", () => {
  it("names the type of a client's value, never the whole value", () => {
    expect(describeValue(undefined)).toBe("nothing");
    expect(describeValue(7)).toBe("a number (7)");
    expect(describeValue("abc")).toBe('a string ("abc")');
    expect(describeValue("y".repeat(100))).toBe("a string of 100 characters");
    expect(describeValue([1, 2, 3])).toBe("an array of 3");
    expect(describeValue({ a: { b: {} } })).toBe("an object");
  });
});
