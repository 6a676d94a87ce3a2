/**
 * The fuzz test (issue 11): at least 10,000 seeded mutations of valid messages
 * over stdio and over Streamable HTTP per run, checked against the properties in
 * ./ledger.ts. `FUZZ_SEED`, `FUZZ_RUNS` and the rest are described in ./fuzzRun.ts
 * and docs/fuzzing.md.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type FuzzSettings, fuzzSettings, runFuzz } from "./fuzzRun.js";
import { HttpTarget } from "./httpTarget.js";
import { StdioTarget } from "./stdioTarget.js";
import type { FuzzTarget } from "./target.js";

/** Messages each transport gets per run, at the least (the number). */
const MIN_MESSAGES = 10_000;

/** The run's own budget (FUZZ_BUDGET_MS, shrinking included) plus time to start the server and check normal calls. */
const TIMEOUT_MS = fuzzSettings(0).budgetMs + 60_000;

// In a hook, not a `finally`: a test that times out is abandoned, and its server must still be killed.
const open: Array<FuzzTarget<unknown>> = [];
afterEach(async () => {
  for (const target of open.splice(0)) await target.close();
});

async function fuzzOver<Case>(target: FuzzTarget<Case>, settings: FuzzSettings, filter: string): Promise<void> {
  open.push(target as FuzzTarget<unknown>);
  const report = await runFuzz(target, settings, filter);
  // One line per transport in the CI log, whatever happens next.
  process.stdout.write(`${report.summary}\n`);
  if (report.failure !== undefined) expect.fail(report.failure);
  if (!settings.runsFromEnv && settings.path === undefined) expect(report.messages).toBeGreaterThanOrEqual(MIN_MESSAGES);
}

describe("fuzzing with mutated messages", () => {
  it(
    "over stdio: the server stays alive, writes only JSON lines, answers every readable request once with its id, and still serves normal calls",
    async () => {
      const settings = fuzzSettings(600);
      await fuzzOver(new StdioTarget(settings.timing), settings, "over stdio");
    },
    TIMEOUT_MS,
  );

  it(
    "over HTTP: the server stays alive, writes only JSON, answers every readable request once with its id, and still serves normal calls",
    async () => {
      const settings = fuzzSettings(700);
      await fuzzOver(new HttpTarget(settings.timing), settings, "over HTTP");
    },
    TIMEOUT_MS,
  );
});
