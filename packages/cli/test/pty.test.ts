import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, start, startCli, stopAll, tempFolder, writeServerFile } from "./cliHarness.js";

/** The task-input fixture of mcpc's tests (a tool that asks which match was meant), run under tsx. */
const INBOX_SERVER = `${process.execPath} --import tsx ${fileURLToPath(new URL("../../mcpc/test/fixtures/inboxServer.ts", import.meta.url))}`;

const cleanups: (() => void)[] = [];
afterEach(async () => {
  await stopAll();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Serves a `slow` tool of `steps` steps with `mcpc serve --http`; its finally writes a marker into `markers`. */
async function serveSlowTool(steps: number, stepMs = 20): Promise<{ url: string; markers: string }> {
  const { dir, remove } = tempFolder();
  cleanups.push(remove);
  const markers = join(dir, "markers");
  mkdirSync(markers);
  const file = join(dir, "server.ts");
  writeServerFile(file, "v1", markers, { steps, stepMs });
  const server = startCli(["serve", file, "--http", "--port", "0"]);
  const [, url = ""] = await server.waitFor(/serving Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/);
  return { url, markers };
}

describe.runIf(existsSync("/usr/bin/script"))("mcpc call under a pseudo-terminal", () => {
  it("draws a progress bar up to the end and prints the final result, exit 0", async () => {
    // 100 ms a step: cli-progress redraws at 10 fps, so a busy machine still shows frames between the first and the last.
    const { url } = await serveSlowTool(8, 100);

    const call = start("script", ["-qfec", `${process.execPath} ${BIN} call ${url} slow`, "/dev/null"]);
    await call.waitFor(/slow \[[^\]]+\] \d+\/8 step \d+/, "stdout");
    // The bar reaches 8/8 and the tool's return value (its version string) is printed after it.
    await call.waitFor(/8\/8 complete[\s\S]*\bv1\b/, "stdout");
    expect(await call.exited).toBe(0);
  });

  it("draws a progress bar, and Ctrl-C stops the task on the server and exits 130", async () => {
    const { url, markers } = await serveSlowTool(1000);

    const call = start("script", ["-qfec", `${process.execPath} ${BIN} call ${url} slow`, "/dev/null"]);
    // cli-progress's bar: "slow [███---] 3/1000 step 3" on the terminal.
    await call.waitFor(/slow \[[^\]]+\] \d+\/1000 step \d+/, "stdout");
    call.child.stdin?.write("\x03");
    await call.waitFor(/stopped \(cancelled\)/, "stdout");
    expect(await call.exited).toBe(130);
    // The server side: the tool's finally ran because the task was stopped there.
    expect(readdirSync(markers)).toHaveLength(1);
  });

  it("shows the question a task asks, sends the line typed as its answer, and the task completes with it, exit 0", async () => {
    const call = start("script", ["-qfec", `${process.execPath} ${BIN} call '${INBOX_SERVER}' disambiguate`, "/dev/null"]);
    // The answer is an object of one string: the choices are offered, and the bare word is wrapped in it.
    await call.waitFor(/\? disambiguate asks: Which match did you mean\? \(type one of: paris-fr, paris-tx\)/, "stdout");
    call.child.stdin?.write("paris-tx\n");
    await call.waitFor(/you meant paris-tx/, "stdout");
    expect(await call.exited).toBe(0);
    expect(call.stdout).toMatch(/mcpc: answered/);
  });
});
