import { existsSync, readFileSync } from "node:fs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLI_VERSION } from "../src/version.js";
import { BIN, EXAMPLE_SERVER, runCli, stopAll } from "./cliHarness.js";

const FAST = { PROCESS_DATA_STEP_MS: "20" };

beforeAll(() => {
  // Built by turbo before tests (`pnpm --filter @mcpc/cli run build` and the example's build locally).
  expect(existsSync(BIN), `build the bin first: ${BIN}`).toBe(true);
  expect(existsSync(EXAMPLE_SERVER), `build the example first: ${EXAMPLE_SERVER}`).toBe(true);
});
afterEach(stopAll);

describe("mcpc --help and exit codes", () => {
  it.each([
    [[], /serve\|call\|tools/],
    [["--help"], /serve\|call\|tools/],
    [["serve", "--help"], /mcpc serve \[OPTIONS\] <FILE>[\s\S]*--watch/],
    [["call", "--help"], /mcpc call \[OPTIONS\] <SERVER> <TOOL>[\s\S]*--arg/],
    [["tools", "--help"], /mcpc tools \[OPTIONS\] <SERVER>/],
  ])("mcpc %j prints its usage and exits 0", async (args, usage) => {
    const { code, stdout } = await runCli(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(usage);
  });

  it("mcpc --version prints the version of @mcpc/cli", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(CLI_VERSION).toBe(pkg.version);
    const { code, stdout } = await runCli(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it.each([
    [["call", "node x.js"], /Missing required positional argument: TOOL/],
    [["tools"], /Missing required positional argument: SERVER/],
    [["tools", "node x.js", "--bogus"], /Unknown flag "--bogus"/],
    [["call", "node x.js", "add", "--jsn={}"], /Unknown flag "--jsn"/],
    [["call", "node x.js", "add", "extra"], /Too many arguments/],
    [["call", "node x.js", "add", "--json", "[1]"], /--json must be a JSON object/],
    [["serve", "missing.ts"], /No such file/],
    [["serve", "x.ts", "--port"], /needs a value/],
    [["nope"], /Unknown command "nope"/],
  ])("mcpc %j is a usage error: exit 2 with a clear message", async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });
});

describe("mcpc tools and mcpc call against the example server", () => {
  const server = `${process.execPath} ${EXAMPLE_SERVER}`;

  it("mcpc tools lists each tool with its arguments, types and required flags", async () => {
    const { code, stdout } = await runCli(["tools", server], FAST);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^process_data {2}Process the data behind a URL/m);
    expect(stdout).toMatch(/^ {4}url: string \(required\)$/m);
    expect(stdout).toMatch(/^ {4}a: number \(required\)$/m);
  });

  it("mcpc call shows every task event as a line (not a TTY) and prints the final result on stdout", async () => {
    const { code, stdout, stderr } = await runCli(["call", server, "process_data", "--arg", "url=https://example.com/x.csv"], FAST);
    expect(code).toBe(0);
    expect(stderr).toMatch(/\] created/);
    expect(stderr).toMatch(/\] update 5\/5 step 5\/5/);
    expect(JSON.parse(stdout)).toMatchObject({ summary: "Processed data. No issues." });
  });

  it("mcpc call merges --arg values (JSON when they parse) over --json", async () => {
    const { code, stdout } = await runCli(["call", server, "add", "--json", '{"a":40,"b":"x"}', "--arg", "b=2"], FAST);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe("42");
  });

  it("mcpc call exits 1 and says why when the tool fails", async () => {
    const { code, stderr } = await runCli(["call", server, "process_data", "--arg", "url=not a url"], FAST);
    expect(code).toBe(1);
    expect(stderr).toMatch(/failed/);
  });
});
