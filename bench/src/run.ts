/**
 * `pnpm bench [--quick] [--out <file>] [--rounds <n>]`
 *
 * The full run writes BENCHMARKS.md at the repo root; `--quick` is a smoke mode (seconds)
 * that writes to a temporary file unless `--out` says otherwise.
 */
import { EventEmitter } from "node:events";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { renderReport, runBench } from "./bench.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    rounds: { type: "string" },
  },
});

// The SDK client adds one 'drain' listener to the child's stdin per pending send: at K = 1,000
// concurrent calls that is expected, not a leak.
EventEmitter.defaultMaxListeners = 0;

const quick = values.quick ?? false;
const out = values.out ?? (quick ? join(tmpdir(), "mcpc-bench-quick.md") : fileURLToPath(new URL("../../BENCHMARKS.md", import.meta.url)));
const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
const command = ["pnpm bench", ...process.argv.slice(2)].join(" ");

const result = await runBench({ quick, ...(rounds !== undefined && { config: { rounds } }) });
writeFileSync(out, renderReport(result, command));
process.stderr.write(`\nwrote ${out} (${result.seconds.toFixed(0)} s, ${result.errors.length} failure(s))\n`);
process.exit(result.errors.length > 0 ? 1 : 0);
