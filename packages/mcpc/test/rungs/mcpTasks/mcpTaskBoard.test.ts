import { describe, expect, it } from "vitest";
import { McpTaskBoard } from "../../../src/rungs/mcpTasks/mcpTaskBoard.js";
import { resolveMcpTasksOptions } from "../../../src/rungs/mcpTasks/mcpTaskOptions.js";

const board = () => new McpTaskBoard(resolveMcpTasksOptions(), 3_600_000);
const never = new AbortController().signal;

describe("McpTaskBoard: which stream a task's question to the client takes", () => {
  it("takes the newest open tasks/result stream of the task, and none once it closed", async () => {
    const b = board();
    const closeA = b.openStream("t1", 7);
    const closeB = b.openStream("t1", 9);
    expect(await b.streamFor("t1", false, 1_000, never)).toBe(9);
    closeB();
    expect(await b.streamFor("t1", false, 1_000, never)).toBe(7);
    closeA();
    expect(await b.streamFor("t1", true, 1_000, never)).toBeUndefined();
  });

  it("on a one-stream connection sends at once on the session's stream", async () => {
    expect(await board().streamFor("t1", true, 60_000, never)).toBeUndefined();
  });

  it("on Streamable HTTP waits for the client's tasks/result, then rides it", async () => {
    const b = board();
    const pending = b.streamFor("t1", false, 60_000, never);
    b.openStream("t2", 3);
    b.openStream("t1", 4);
    expect(await pending).toBe(4);
  });

  it("takes the session's own stream when no tasks/result comes in time, or the ask is stopped", async () => {
    const b = board();
    expect(await b.streamFor("t1", false, 20, never)).toBeUndefined();
    const stop = new AbortController();
    const pending = b.streamFor("t1", false, 60_000, stop.signal);
    stop.abort();
    expect(await pending).toBeUndefined();
    // Nothing left waiting: a later stream wakes nobody.
    b.openStream("t1", 5);
  });
});
