/**
 * `pnpm bench [--quick] [--stdio] [--http] [--redis] [--out <file>] [--rounds <n>]`
 *
 * The full run measures stdio, Streamable HTTP and replicas on Redis (skipped, saying
 * why, without `redis-server` on PATH) and writes BENCHMARKS.md at the repo root.
 * `--stdio`, `--http` or `--redis` runs those parts only, and `--quick` is a smoke mode
 * (seconds): both write to a temporary file unless `--out` says otherwise, so
 * BENCHMARKS.md always holds one whole run.
 *
 * Profiling a server: `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` passes flags to
 * every server process, which are then ended gently (stdin's end, SIGTERM) so they write
 * their profiles; `BENCH_DEBUG=1` shows their stderr.
 */
import { EventEmitter } from "node:events";
import { writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runBench } from "./bench.js";
import { runHttpBench } from "./http/httpBench.js";
import { runRedisBench } from "./replicas/replicaBench.js";
import { renderReport } from "./report.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    stdio: { type: "boolean", default: false },
    http: { type: "boolean", default: false },
    redis: { type: "boolean", default: false },
    out: { type: "string" },
    rounds: { type: "string" },
  },
});

// The SDK client adds one 'drain' listener to the child's stdin per pending send: at K = 1,000
// concurrent calls that is expected, not a leak.
EventEmitter.defaultMaxListeners = 0;

const quick = values.quick ?? false;
// No part named: every part.
const all = !values.stdio && !values.http && !values.redis;
const whole = all && !quick;
const out = values.out ?? (whole ? fileURLToPath(new URL("../../BENCHMARKS.md", import.meta.url)) : join(tmpdir(), "mcpc-bench.md"));
const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
const config = rounds !== undefined ? { config: { rounds } } : {};
const command = ["pnpm bench", ...process.argv.slice(2)].join(" ");

const startedAt = new Date();
const t0 = performance.now();
const loadBefore = loadavg()[0] ?? Number.NaN;
const stdio = all || values.stdio ? await runBench({ quick, ...config }) : undefined;
const http = all || values.http ? await runHttpBench({ quick, ...config }) : undefined;
const redis = all || values.redis ? await runRedisBench({ quick, ...config }) : undefined;
const seconds = (performance.now() - t0) / 1000;
writeFileSync(out, renderReport({ quick, startedAt, seconds, load: [loadBefore, loadavg()[0] ?? Number.NaN], stdio, http, redis }, command));
const failures = (stdio?.errors.length ?? 0) + (http?.errors.length ?? 0) + (redis?.errors.length ?? 0);
process.stderr.write(`\nwrote ${out} (${seconds.toFixed(0)} s, ${failures} failure(s))\n`);
process.exit(failures > 0 ? 1 : 0);
