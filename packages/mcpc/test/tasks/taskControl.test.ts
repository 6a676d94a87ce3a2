import { describe, expect, it } from "vitest";
import { TaskControl, signalStopSource } from "../../src/tasks/taskControl.js";

describe("TaskControl (a task's stop switch)", () => {
  it("tells every stop listener once, in order, and later ones at once", () => {
    const control = new TaskControl();
    const heard: string[] = [];
    control.onStop({ handleEvent: () => heard.push("first") });
    control.onStop({ handleEvent: () => heard.push("second") });
    const reason = new Error("stop");
    control.abort(reason);
    control.abort(new Error("again"));
    control.onStop({ handleEvent: () => heard.push("late") });
    expect(heard).toEqual(["first", "second", "late"]);
    expect(control.aborted).toBe(true);
    expect(control.reason).toBe(reason);
  });

  it("makes its AbortSignal on first read, aborted with the reason whether read before or after the stop", () => {
    const before = new TaskControl();
    const signal = before.signal;
    expect(signal.aborted).toBe(false);
    expect(before.signal).toBe(signal);
    const reason = new Error("stop");
    before.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);

    const after = new TaskControl();
    after.abort(reason);
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe(reason);
  });

  it("reads an AbortSignal the same way (signalStopSource)", () => {
    const controller = new AbortController();
    const source = signalStopSource(controller.signal);
    const heard: string[] = [];
    source.onStop({ handleEvent: () => heard.push("stopped") });
    expect(source.aborted).toBe(false);
    controller.abort(new Error("why"));
    expect(source.aborted).toBe(true);
    expect((source.reason as Error).message).toBe("why");
    source.onStop({ handleEvent: () => heard.push("late") });
    expect(heard).toEqual(["stopped", "late"]);
  });
});
