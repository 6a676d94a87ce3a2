import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { messageOfLine } from "../src/taskInput.js";
import { BIN, runCli, startCli, stopAll } from "./cliHarness.js";

/** The task-input fixture of mcpc's tests: `survey` takes { focus } messages, `disambiguate` asks which match was meant. */
const SERVER = `${process.execPath} --import tsx ${fileURLToPath(new URL("../../mcpc/test/fixtures/inboxServer.ts", import.meta.url))}`;
const CHOICE = { question: "Which match did you mean?", id: "q1", schema: { type: "object", properties: { choice: { type: "string", enum: ["paris-fr", "paris-tx"] } } } };

beforeAll(() => {
  expect(existsSync(BIN), `build the bin first: ${BIN}`).toBe(true);
});
afterEach(stopAll);

describe("what a typed line sends", () => {
  it.each([
    ['{"focus":"tools"}', undefined, { focus: "tools" }],
    ["42", undefined, 42],
    ["focus on tools", undefined, "focus on tools"],
    ["paris-tx", CHOICE, { choice: "paris-tx" }],
    ['{"choice":"paris-fr"}', CHOICE, { choice: "paris-fr" }],
    ["paris-tx", { ...CHOICE, schema: { type: "object", properties: { choice: { type: "string" }, why: { type: "string" } } } }, "paris-tx"],
  ])("%j (question: %j) is sent as %j", (line, question, message) => {
    expect(messageOfLine(line, question)).toEqual(message);
  });
});

describe("mcpc call --interactive with stdin a pipe", () => {
  it("shows the question, prints the server's refusal of a wrong answer, and completes with the right one", async () => {
    const run = startCli(["call", SERVER, "disambiguate", "--interactive"]);
    await run.waitFor(/^\? disambiguate asks: Which match did you mean\? \(type one of: paris-fr, paris-tx\)$/m);
    run.child.stdin?.write("lyon\n");
    await run.waitFor(/^mcpc: not sent: Refused the answer to "Which match did you mean\?": choice: Invalid option/m);
    run.child.stdin?.write("paris-fr\n");
    expect(await run.exited).toBe(0);
    expect(run.stderr).toMatch(/^mcpc: answered$/m);
    expect(run.stderr).toMatch(/\] input_required Which match did you mean\?$/m);
    expect(run.stdout.trim()).toBe("you meant paris-fr");
  });

  it("sends a line typed while the task runs to its inbox, and what it does next changes; a message it does not accept is refused", async () => {
    const run = startCli(["call", SERVER, "survey", "--arg", "steps=4", "--arg", "ms=400", "--interactive"]);
    await run.waitFor(/\] update 1\/4 step 1: everything$/m);
    run.child.stdin?.write("focus on tools\n");
    await run.waitFor(/^mcpc: not sent: Refused a message to "survey": \(message\): Invalid input: expected object, received string/m);
    run.child.stdin?.write('{"focus":"tools"}\n');
    await run.waitFor(/^mcpc: sent \(1 waiting to be read\)$/m);
    expect(await run.exited).toBe(0);
    const { foci } = JSON.parse(run.stdout) as { foci: string[] };
    expect(foci[0]).toBe("everything");
    expect(foci.at(-1)).toBe("tools");
  });
});

describe("mcpc call without --interactive and stdin not a terminal", () => {
  it("reads nothing from stdin: it shows the question and says how to answer, and the tool's time-out ends the wait", async () => {
    const { code, stdout, stderr } = await runCli(["call", SERVER, "disambiguate", "--arg", "timeoutMs=300"]);
    expect(stderr).toMatch(/\] input_required Which match did you mean\?$/m);
    expect(stderr).toMatch(/^mcpc: the task waits for an answer; run mcpc call from a terminal, or with --interactive, to give one\.$/m);
    expect(stdout.trim()).toBe('nobody answered: Nobody answered "Which match did you mean?" within 300 ms.');
    expect(code).toBe(0);
  });
});
