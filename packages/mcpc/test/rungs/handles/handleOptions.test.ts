import { describe, expect, it } from "vitest";
import { checkHandleNames, resolveJobHandles } from "../../../src/rungs/handles/handleOptions.js";

describe("job handle options", () => {
  it("defaults to 45 s and the task_ prefix; false turns handles off", () => {
    expect(resolveJobHandles(undefined)).toEqual({ afterMs: 45_000, toolPrefix: "task_", names: { status: "task_status", result: "task_result", stop: "task_stop", send: "task_send" } });
    expect(resolveJobHandles({ afterMs: 1_000, toolPrefix: "job_" })?.names).toEqual({ status: "job_status", result: "job_result", stop: "job_stop", send: "job_send" });
    expect(resolveJobHandles(false)).toBeUndefined();
  });

  it.each([0, -5, 1.5, Number.NaN, "45s" as unknown as number])("refuses afterMs %s, naming the field", (afterMs) => {
    expect(() => resolveJobHandles({ afterMs })).toThrow(/jobHandles\.afterMs must be a positive whole number of milliseconds, or false/);
  });

  it("refuses a prefix that cannot start a tool name", () => {
    expect(() => resolveJobHandles({ toolPrefix: "task status " })).toThrow(/jobHandles\.toolPrefix must be 1–100 characters/);
  });

  it("refuses a user tool that takes a handle tool's name, naming it and both ways out", () => {
    const handles = resolveJobHandles(undefined);
    if (!handles) throw new Error("handles should be on");
    expect(() => checkHandleNames(handles, [{ name: "task_status", origin: "Ops.taskStatus" }])).toThrow(
      /Tool "task_status" \(Ops\.taskStatus\) takes the name of a job-handle tool\. Rename it, or give the handle tools another prefix \(jobHandles: \{ toolPrefix: "job_" \}\), or turn job handles off/,
    );
    expect(() => checkHandleNames(handles, [{ name: "status", origin: "Ops.status" }])).not.toThrow();
  });
});
