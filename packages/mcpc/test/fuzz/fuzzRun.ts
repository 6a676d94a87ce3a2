/**
 * Runs one fuzz target under fast-check: seeded cases, a case that breaks a
 * property shrunk (within a time budget) to a small counterexample, one summary
 * line, and a failure message that says how to reproduce.
 *
 * Environment: `FUZZ_SEED` (default 42), `FUZZ_RUNS` (cases per transport),
 * `FUZZ_PATH` (replay one case of a failed run, with its seed), `FUZZ_ANSWER_MS`
 * (how long requests may take to be answered), `FUZZ_SHRINK_MS` (shrinking budget),
 * `FUZZ_BUDGET_MS` (the whole run of one transport, shrinking included),
 * `FUZZ_KEEP_GOING=1` (do not stop at the first failing case: run them all and
 * list every kind of failure, without shrinking).
 */
import fc from "fast-check";
import { defectsOf } from "./defects.js";
import { type Violation, formatViolation } from "./ledger.js";
import type { FuzzTarget, Timing } from "./target.js";

export interface FuzzSettings {
  seed: number;
  /** fast-check cases; each sends several messages. */
  runs: number;
  /** True when FUZZ_RUNS chose `runs` (then the message count is the caller's business). */
  runsFromEnv: boolean;
  path: string | undefined;
  keepGoing: boolean;
  shrinkMs: number;
  /** Past this, fast-check stops and the run fails (too slow to be a CI test). */
  budgetMs: number;
  timing: Timing;
}

/** The settings for a target whose default is `defaultRuns` cases. */
export function fuzzSettings(defaultRuns: number): FuzzSettings {
  const env = process.env;
  const number = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number; got ${JSON.stringify(value)}`);
    return parsed;
  };
  return {
    seed: number("FUZZ_SEED", 42),
    runs: number("FUZZ_RUNS", defaultRuns),
    runsFromEnv: env.FUZZ_RUNS !== undefined && env.FUZZ_RUNS !== "",
    path: env.FUZZ_PATH || undefined,
    keepGoing: env.FUZZ_KEEP_GOING === "1",
    shrinkMs: number("FUZZ_SHRINK_MS", 60_000),
    budgetMs: number("FUZZ_BUDGET_MS", 180_000),
    // The fixture's tools take at most 30 ms: 5 s is for a loaded machine, not for slow tools.
    timing: { answerMs: number("FUZZ_ANSWER_MS", 5_000), shrinkAnswerMs: Math.min(number("FUZZ_ANSWER_MS", 5_000), 1_500), sentinelMs: 20_000 },
  };
}

export interface FuzzReport {
  /** Messages sent by the generated cases (not counting shrinking). */
  messages: number;
  cases: number;
  /** Cases that broke a property (at most 1 unless FUZZ_KEEP_GOING). */
  failingCases: number;
  seconds: number;
  /** The summary line printed for CI. */
  summary: string;
  /** Why the run failed, with how to reproduce; undefined when it passed. */
  failure: string | undefined;
}

class CaseFailure extends Error {
  constructor(readonly violations: Violation[]) {
    super(`the case broke ${violations.length === 1 ? "a property" : `${violations.length} properties`}:\n${violations.map(formatViolation).join("\n")}`);
    this.name = "CaseFailure";
  }
}

export async function runFuzz<Case>(target: FuzzTarget<Case>, settings: FuzzSettings, vitestFilter: string): Promise<FuzzReport> {
  const started = Date.now();
  let messages = 0;
  let cases = 0;
  let failingCases = 0;
  let shrinkingSince: number | undefined;
  const kinds = new Map<string, { count: number; examples: Violation[] }>();

  const property = fc.asyncProperty(target.arbitrary, async (testCase) => {
    // Shrinking replays failing cases against a live server, each up to answerMs: past the budget, stop looking for smaller ones.
    if (shrinkingSince !== undefined) fc.pre(Date.now() - shrinkingSince < settings.shrinkMs);
    const outcome = await target.run(testCase);
    if (shrinkingSince === undefined) {
      messages += outcome.messages;
      cases++;
    }
    if (outcome.violations.length === 0) return;
    if (settings.keepGoing) {
      failingCases++;
      for (const violation of outcome.violations) tally(kinds, violation);
      return;
    }
    if (shrinkingSince === undefined) {
      failingCases++;
      shrinkingSince = Date.now();
      settings.timing.answerMs = settings.timing.shrinkAnswerMs;
    }
    throw new CaseFailure(outcome.violations);
  });
  const details = await fc.check(property, {
    seed: settings.seed,
    numRuns: settings.runs,
    examples: target.examples.map((example): [Case] => [example]),
    ...(settings.path !== undefined && { path: settings.path }),
    // Not failOnInterrupt: that throws from fc.check. An interrupted run is reported below instead.
    plugins: [fc.interruptAfterTimeLimit(settings.budgetMs)],
  });
  const final = await target.finalCheck();

  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const summary = `fuzz ${target.name}: ${messages} messages in ${cases} cases, seed ${settings.seed}, ${failingCases} failing cases, ${final.length === 0 ? "normal calls work after the run" : "NORMAL CALLS FAIL after the run"} (${seconds} s)`;
  const reproduce = `Reproduce: FUZZ_SEED=${settings.seed} npx vitest run test/fuzz -t ${JSON.stringify(vitestFilter)}`;
  const parts: string[] = [];
  if (details.interrupted && !details.failed) {
    parts.push(`fuzz ${target.name}: the run took longer than FUZZ_BUDGET_MS (${settings.budgetMs} ms) and was stopped after ${cases} of ${settings.runs} cases (${messages} messages).`, reproduce);
  }
  if (details.failed) {
    const error = details.errorInstance;
    parts.push(
      `fuzz ${target.name}: a property broke in case ${details.numRuns} of ${settings.runs} (seed ${settings.seed}); fast-check shrank it ${details.numShrinks} times.`,
      reproduce,
      details.counterexamplePath === null
        ? ""
        : `Replay only this case: FUZZ_SEED=${settings.seed} FUZZ_PATH=${JSON.stringify(details.counterexamplePath)} npx vitest run test/fuzz -t ${JSON.stringify(vitestFilter)}`,
      error instanceof CaseFailure ? `The shrunk case: ${error.message}` : `The property threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      details.counterexample === null ? "" : `Counterexample (fast-check): ${clip(fc.stringify(details.counterexample), 4_000)}`,
    );
  }
  if (kinds.size > 0) {
    parts.push(`fuzz ${target.name}: ${failingCases} of ${cases} cases broke a property (FUZZ_KEEP_GOING). Kinds, with the shortest examples:`, reproduce);
    // Kinds with one defect first: those are the minimal reproducers.
    const defectCount = (kind: string) => (kind.includes(" ← ") ? kind.split(" ← ")[1]?.split("; ").length ?? 0 : 0);
    for (const [kind, { count, examples }] of [...kinds].sort((a, b) => defectCount(a[0]) - defectCount(b[0]) || b[1].count - a[1].count)) {
      parts.push(`${count} × ${kind}\n${examples.map(formatViolation).join("\n")}`);
    }
  }
  if (final.length > 0) parts.push(`fuzz ${target.name}: after the run:\n${final.map(formatViolation).join("\n")}`, reproduce);
  const stderr = target.stderr.trimEnd();
  if (parts.length > 0 && stderr !== "") parts.push(`Server stderr ends:\n${clip(stderr.split("\n").slice(-20).join("\n"), 4_000)}`);
  const failure = parts.filter((part) => part !== "");
  return { messages, cases, failingCases, seconds, summary, failure: failure.length > 0 ? failure.join("\n\n") : undefined };
}

/** Groups violations by kind (the property, the words before the details, what is wrong with the message), keeping the 3 shortest examples. */
function tally(kinds: Map<string, { count: number; examples: Violation[] }>, violation: Violation): void {
  const kind = `[${violation.property}] ${violation.what.split(": ")[0]}${violation.culprit ? ` ← ${defectsOf(violation.culprit.bytes).join("; ") || "a valid message"}` : ""}`;
  const seen = kinds.get(kind) ?? { count: 0, examples: [] };
  kinds.set(kind, seen);
  seen.count++;
  seen.examples.push(violation);
  seen.examples.sort((a, b) => (a.culprit?.bytes.length ?? 0) - (b.culprit?.bytes.length ?? 0));
  seen.examples.length = Math.min(seen.examples.length, 3);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
