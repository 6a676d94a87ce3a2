import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli, startCli, stopAll } from "./cliHarness.js";

/** A plain SDK server with the SDK's own MCP task runtime (SEP-1686) and no MCPC, run under tsx. */
const FIXTURE = fileURLToPath(new URL("../../mcpc/test/fixtures/sdkTaskServer.ts", import.meta.url));
const SERVER = `${process.execPath} --import tsx ${FIXTURE}`;

beforeAll(() => {
  expect(existsSync(BIN), `build the bin first: ${BIN}`).toBe(true);
});
afterEach(stopAll);

describe("mcpc call against a server with MCP tasks but no MCPC", () => {
  it("says the call runs as an MCP task, shows each update as it comes, and prints the tool's result", async () => {
    const { code, stdout, stderr } = await runCli(["call", SERVER, "count", "--arg", "steps=3"]);
    expect(stderr).toMatch(/^mcpc: count runs as an MCP task \(tasks\/get, tasks\/result\), task [0-9a-f]{32}$/m);
    const taskId = /task ([0-9a-f]{32})$/m.exec(stderr)?.[1] ?? "";
    const events = stderr.split("\n").filter((line) => line.startsWith(`[count ${taskId.slice(0, 8)}]`));
    expect(events).toEqual([
      `[count ${taskId.slice(0, 8)}] created`,
      `[count ${taskId.slice(0, 8)}] update 1/3 step 1/3`,
      `[count ${taskId.slice(0, 8)}] update 2/3 step 2/3`,
      `[count ${taskId.slice(0, 8)}] update 3/3 step 3/3`,
      `[count ${taskId.slice(0, 8)}] update writing the report`,
      `[count ${taskId.slice(0, 8)}] complete {"counted":3}`,
    ]);
    expect(JSON.parse(stdout)).toEqual({ counted: 3 });
    expect(code).toBe(0);
  });

  it("exits 1 with the message of a task that failed", async () => {
    const { code, stdout, stderr } = await runCli(["call", SERVER, "fail", "--arg", "reason=disk full"]);
    expect(stderr).toMatch(/\] update 1 trying$/m);
    expect(stderr).toMatch(/^failed: disk full$/m);
    expect(stdout).toBe("");
    expect(code).toBe(1);
  });

  it("says an ordinary tool on that server is called synchronously", async () => {
    const { code, stdout, stderr } = await runCli(["call", SERVER, "add", "--arg", "a=2", "--arg", "b=3"]);
    expect(stderr).toMatch(/^mcpc: add is called synchronously \(no task\)$/m);
    expect(stdout.trim()).toBe("5");
    expect(code).toBe(0);
  });

  it("Ctrl-C cancels the MCP task on the server (tasks/cancel) and exits 130", async () => {
    const run = startCli(["call", SERVER, "forever"]);
    await run.waitFor(/\] update 1 tick 1$/m);
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(run.stderr).toMatch(/^mcpc: task [0-9a-f]{32} stopped \(cancelled\)\.$/m);
  });
});
