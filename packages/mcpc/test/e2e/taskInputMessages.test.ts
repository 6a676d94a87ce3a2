/**
 * Sending a running task messages with our client (`handle.send`, `mcpc/tasks/send`),
 * end to end against the inbox fixture over stdio and Streamable HTTP: order,
 * exactly once, a change in what the task does next, refusals that name the
 * problem, and the inbox's bound (`--max-queued 3`).
 */
import { describe, expect, it } from "vitest";
import { McpcError } from "../../src/index.js";
import { httpTargetForBlock, openMcpc, readRest, readUntil, stdioTarget, type Target, type TaskHandleEvent } from "./taskInputPeer.js";

const OPTIONS = ["--max-queued", "3"];

/** The text of an update: a string yield, or an object's `message`. */
const textOf = (event: TaskHandleEvent) => (typeof event.result === "string" ? event.result : (event.result as { message?: string } | null)?.message);

function scenarios(target: () => Target) {
  it("delivers messages to the tool in the order sent, each exactly once, and what it yields next follows them", async () => {
    const { client } = await openMcpc(target());
    const task = await client.callTool("tally", { count: 20 });
    const events = task.events();
    const seen: TaskHandleEvent[] = [];
    await readUntil(events, seen, (event) => event.result === "ready");

    const outcomes = [];
    for (let item = 1; item <= 20; item++) outcomes.push(await task.send({ item }));
    await readRest(events, seen);

    expect(outcomes.every((outcome) => !outcome.answered)).toBe(true);
    expect(seen.filter((event) => event.event === "update").map(textOf)).toEqual(["ready", ...Array.from({ length: 20 }, (_, i) => `got ${i + 1}`)]);
    expect(seen.at(-1)).toMatchObject({ event: "complete", result: { items: Array.from({ length: 20 }, (_, i) => i + 1) } });
    expect(task.missed).toBe(0);
  });

  it("a { focus } message sent mid-run changes what the following steps work on", async () => {
    const { client } = await openMcpc(target());
    const task = await client.callTool("survey", { steps: 5, ms: 300 });
    const events = task.events();
    const seen: TaskHandleEvent[] = [];
    await readUntil(events, seen, (event) => textOf(event) === "step 2: everything");

    expect(await task.send({ focus: "the 2024 rows" })).toEqual({ answered: false, queued: 1 });
    await readRest(events, seen);

    const steps = seen.filter((event) => event.event === "update").map(textOf);
    // Steps 1 and 2 ran before the message; every step after it reads it.
    expect(steps).toEqual(["step 1: everything", "step 2: everything", "step 3: the 2024 rows", "step 4: the 2024 rows", "step 5: the 2024 rows"]);
    expect(await task.value()).toEqual({ foci: ["everything", "everything", "the 2024 rows", "the 2024 rows", "the 2024 rows"] });
  });

  it("refuses a message that does not match the tool's accepts schema, naming the field, and queues nothing", async () => {
    const { client } = await openMcpc(target());
    const task = await client.callTool("survey", { steps: 2, ms: 20_000 });
    const events = task.events();
    await readUntil(events, [], (event) => event.event === "update");

    for (const [message, field] of [
      [{ focus: 42 }, /focus: Invalid input: expected string, received number/],
      [{}, /focus: Invalid input: expected string, received undefined/],
      ["focus on tools", /\(message\): Invalid input: expected object, received string/],
    ] as const) {
      const refusal = await task.send(message).catch((error: unknown) => error);
      expect(refusal, JSON.stringify(message)).toBeInstanceOf(McpcError);
      expect(refusal).toMatchObject({ code: "INVALID_MESSAGE", message: expect.stringMatching(field) });
      expect((refusal as Error).message).toContain('a message to "survey"');
      expect((refusal as Error).message).toContain("Nothing was queued.");
    }
    // Nothing of the refused ones waits: the next valid message is the first in the inbox.
    expect(await task.send({ focus: "tools" })).toEqual({ answered: false, queued: 1 });
    await task.stop();
  });

  it("refuses a message to a task that has ended, with its final status, and to an unknown task", async () => {
    const { client } = await openMcpc(target());
    const done = await client.callTool("tally", { count: 1 });
    await readUntil(done.events(), [], (event) => event.result === "ready");
    await done.send({ item: 7 });
    expect(await done.value()).toEqual({ items: [7] });
    await expect(done.send({ item: 8 })).rejects.toMatchObject({ code: "TASK_ENDED", message: expect.stringContaining(`Task "${done.taskId}" has already ended (completed)`) });

    const stopped = await client.callTool("survey", { steps: 3, ms: 20_000 });
    await stopped.stop();
    await expect(stopped.send({ focus: "x" })).rejects.toMatchObject({ code: "TASK_ENDED", message: expect.stringContaining("(cancelled)") });

    await expect(client.send("no-such-task", { focus: "x" })).rejects.toMatchObject({ code: "UNKNOWN_TASK", message: expect.stringContaining('"no-such-task"') });
  });

  it("holds the inbox to its bound: with 3 unread, a fourth message is refused INBOX_FULL, and the three are read later", async () => {
    const { client } = await openMcpc(target());
    // Step 1 read the inbox, then the tool sleeps 1.5 s: nothing reads what comes meanwhile.
    const task = await client.callTool("survey", { steps: 2, ms: 1_500 });
    await readUntil(task.events(), [], (event) => textOf(event) === "step 1: everything");

    const queued = [];
    for (const focus of ["a", "b", "c"]) queued.push((await task.send({ focus })).queued);
    expect(queued).toEqual([1, 2, 3]);
    await expect(task.send({ focus: "d" })).rejects.toMatchObject({
      code: "INBOX_FULL",
      message: 'The inbox of "survey" holds 3 unread messages; send again once the task has read some.',
    });
    // Step 2 reads the three, in order (the last one wins); the refused fourth never arrives.
    expect(await task.value()).toEqual({ foci: ["everything", "c"] });
  });
}

describe("task messages over stdio", () => {
  scenarios(() => stdioTarget(OPTIONS));
});

describe("task messages over Streamable HTTP", () => {
  const http = httpTargetForBlock(OPTIONS);
  scenarios(() => http);
});
