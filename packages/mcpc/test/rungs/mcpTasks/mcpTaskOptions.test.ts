import { describe, expect, it } from "vitest";
import { grantTtl, resolveMcpTasksOptions } from "../../../src/rungs/mcpTasks/mcpTaskOptions.js";

describe("MCP tasks options", () => {
  it("applies the defaults: 1 h max ttl, 1 s poll interval, 100 tasks a page", () => {
    expect(resolveMcpTasksOptions()).toEqual({ maxTtlMs: 3_600_000, pollIntervalMs: 1_000, listPageSize: 100 });
    expect(resolveMcpTasksOptions({ listPageSize: 5 }).listPageSize).toBe(5);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "10" as unknown as number])("refuses %s, naming the field and the fix", (value) => {
    expect(() => resolveMcpTasksOptions({ pollIntervalMs: value })).toThrow(/mcpTasks\.pollIntervalMs must be a positive whole number; got .*Leave it out for the default \(1000\)/);
  });

  it("grants the requested ttl clamped to the maximum, and the maximum when none (or nonsense) is asked for", () => {
    expect(grantTtl(5_000, 60_000)).toBe(5_000);
    expect(grantTtl(5_000.7, 60_000)).toBe(5_000);
    expect(grantTtl(10 * 60_000, 60_000)).toBe(60_000);
    expect(grantTtl(undefined, 60_000)).toBe(60_000);
    expect(grantTtl(0, 60_000)).toBe(60_000);
    expect(grantTtl(-5, 60_000)).toBe(60_000);
  });
});
