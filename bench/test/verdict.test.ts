/** The fastmcp comparison calls a figure only when the rounds agree. */
import { describe, expect, it } from "vitest";
import { verdict } from "../src/tables.js";

describe("verdict", () => {
  it("calls a win or a loss when at least 80 % of the rounds agree", () => {
    expect(verdict([0.9, 0.8, 0.95, 0.7, 1.1], "lower")).toBe("won");
    expect(verdict([1.2, 1.3, 1.1, 1.05, 0.9], "lower")).toBe("lost");
    expect(verdict([1.2, 1.3, 1.1, 1.05, 1.4], "higher")).toBe("won");
  });

  it("calls a tie when the rounds disagree, whatever side the median is on", () => {
    expect(verdict([0.9, 0.95, 0.97, 1.1, 1.2], "lower")).toBe("tie");
    expect(verdict([1.02, 0.98, 1.01, 0.99, 1.03], "higher")).toBe("tie");
    expect(verdict([], "lower")).toBe("tie");
  });

  it("does not count a round with a ratio of exactly 1 for either side", () => {
    expect(verdict([1, 1, 1, 1, 0.5], "lower")).toBe("tie");
  });
});
