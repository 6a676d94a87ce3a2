/**
 * The benchmark of issue 3: mcpc against the raw SDK, fastmcp and a raw-pipe floor, over
 * stdio, interleaved round by round. `runBench` measures and returns the samples;
 * `renderReport` turns them into BENCHMARKS.md.
 */
import { execFileSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { BareConn, bareDriver, loadMcpcClient, mcpcClientDriver, sdkClientDriver, type Conn, type Driver, type ServerSpec } from "./drivers.js";
import { cpuMicros, peakRssMiB } from "./proc.js";
import { median, percentile, sum } from "./stats.js";

export interface BenchConfig {
  rounds: number;
  /** Figure 1: updates in one call, intervalMs 0. */
  throughputN: number;
  /**
   * Figure 1: calls of the same stream made on the same connection before the measured one.
   * The first call on a fresh process pays the JIT for its code path (compiles on V8's
   * background threads, which schedstat counts, and the deopts of the ending path); the
   * ceiling is what a running server sustains. The first call is reported on its own row.
   */
  throughputWarmups: number;
  /** Figure 2: a stream at intervalMs 1 (~1,000 events/s) for this long, per server, in {@link latencyBlocks} blocks taking turns. */
  latencyMs: number;
  latencyBlocks: number;
  /** Figure 2: a stream at the same pace, this long, on the same connection before the measured one (not measured). */
  latencyWarmupMs: number;
  /** Figure 3: concurrent calls, one update every 100 ms, for scaleMs. */
  scaleK: number;
  scaleMs: number;
  /** Figure 3, mcpc through our client only: background tasks in one session. */
  scaleBigK: number;
  /** Figure 4: spawns per server per round. */
  coldStarts: number;
  /** Figure 5: sequential echo calls. */
  echoCalls: number;
}

export const FULL: BenchConfig = {
  rounds: 5,
  throughputN: 20_000,
  throughputWarmups: 2,
  latencyMs: 3_000,
  latencyBlocks: 3,
  latencyWarmupMs: 1_000,
  scaleK: 1_000,
  scaleMs: 5_000,
  scaleBigK: 10_000,
  // 3 spawns × 5 rounds = 15 per server (≥ the issue's 10), to keep the full run under 8 minutes on 2 cores.
  coldStarts: 3,
  echoCalls: 3_000,
};

export const QUICK: BenchConfig = {
  rounds: 1,
  throughputN: 1_000,
  throughputWarmups: 1,
  latencyMs: 300,
  latencyBlocks: 2,
  latencyWarmupMs: 100,
  scaleK: 20,
  scaleMs: 500,
  scaleBigK: 200,
  coldStarts: 2,
  echoCalls: 100,
};

const SCALE_INTERVAL_MS = 100;
const LATENCY_INTERVAL_MS = 1;

const serverFile = (name: string) => fileURLToPath(new URL(`../dist/servers/${name}.js`, import.meta.url));

export const SERVERS: readonly ServerSpec[] = [
  { id: "mcpc", label: "mcpc", file: serverFile("mcpc") },
  { id: "sdk", label: "raw SDK", file: serverFile("sdk") },
  { id: "fastmcp", label: "fastmcp 4.20", file: serverFile("fastmcp") },
  { id: "floor", label: "floor (raw pipe)", file: serverFile("floor") },
];

/** The column of mcpc driven by our own client in MCPC mode. */
export const MCPC_CLIENT_COLUMN = "mcpc+client";

export interface MetricDef {
  key: string;
  figure: string;
  label: string;
  /** Higher is better (events/s), lower is better (ms, MiB, µs), or a count that should be 0. */
  better: "higher" | "lower" | "zero";
  decimals: number;
}

export const METRICS: readonly MetricDef[] = [
  { key: "tp.client.eps", figure: "1b", label: "throughput via SDK Client, events/s", better: "higher", decimals: 0 },
  { key: "tp.client.lost", figure: "1b", label: "events lost via SDK Client (all calls)", better: "zero", decimals: 0 },
  { key: "tp.client.cpu", figure: "1b", label: "server CPU via SDK Client, µs/event", better: "lower", decimals: 2 },
  { key: "tp.bare.eps", figure: "1c", label: "ceiling (bare reader), events/s", better: "higher", decimals: 0 },
  { key: "tp.bare.lost", figure: "1c", label: "events lost, bare reader (all calls)", better: "zero", decimals: 0 },
  { key: "tp.bare.cpu", figure: "1c", label: "server CPU (bare reader), µs/event", better: "lower", decimals: 2 },
  { key: "tp.first.eps", figure: "1c", label: "first call on a fresh server (bare reader), events/s", better: "higher", decimals: 0 },
  { key: "tp.first.cpu", figure: "1c", label: "server CPU, first call on a fresh server, µs/event", better: "lower", decimals: 2 },
  { key: "lat.p50", figure: "2", label: "latency p50 at ~1,000 ev/s, ms", better: "lower", decimals: 2 },
  { key: "lat.p99", figure: "2", label: "latency p99 at ~1,000 ev/s, ms", better: "lower", decimals: 2 },
  { key: "lat.lost", figure: "2", label: "events lost, latency run", better: "zero", decimals: 0 },
  { key: "scale.rss", figure: "3", label: "peak RSS at K, MiB", better: "lower", decimals: 1 },
  { key: "scale.lost", figure: "3", label: "events lost at K", better: "zero", decimals: 0 },
  { key: "scale.p99", figure: "3", label: "lag p99 at K, ms", better: "lower", decimals: 1 },
  { key: "big.rss", figure: "3", label: "peak RSS at big K (our client), MiB", better: "lower", decimals: 1 },
  { key: "big.lost", figure: "3", label: "events lost at big K (our client)", better: "zero", decimals: 0 },
  { key: "big.p99", figure: "3", label: "lag p99 at big K (our client), ms", better: "lower", decimals: 1 },
  { key: "cold.init", figure: "4", label: "cold start → initialize answered, ms", better: "lower", decimals: 1 },
  { key: "cold.list", figure: "4", label: "cold start → tools/list answered, ms", better: "lower", decimals: 1 },
  { key: "echo.cps", figure: "5", label: "sequential echo, calls/s", better: "higher", decimals: 0 },
];

/** samples[metric][column][round]; NaN where a measurement failed. */
export type Samples = Record<string, Record<string, number[]>>;

export interface BenchResult {
  config: BenchConfig;
  quick: boolean;
  samples: Samples;
  /** Columns in display order. */
  columns: string[];
  errors: string[];
  notes: string[];
  startedAt: Date;
  seconds: number;
  /** 1-minute load average before and after the run: other work on the machine skews every figure. */
  load: [number, number];
}

type Log = (line: string) => void;

function record(samples: Samples, metric: string, column: string, round: number, value: number): void {
  const byColumn = (samples[metric] ??= {});
  const values = (byColumn[column] ??= []);
  values[round] = value;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

async function withConn<T>(driver: Driver, server: ServerSpec, body: (conn: Conn) => Promise<T>): Promise<T> {
  const conn = await driver.connect(server);
  try {
    return await body(conn);
  } finally {
    await conn.close();
  }
}

// --- The figures: each measures one server through one driver, for one round. -----------------

interface Throughput {
  /** The measured call, after the warm-up calls. */
  eps: number;
  cpu: number;
  /** Over every call, warm-ups included. */
  lost: number;
  /** The first call on the fresh server (the first warm-up, or the measured call when there is none). */
  first: { eps: number; cpu: number };
}

/** `1 + warmups` calls of `stream(n, 0)` on one connection; the last is the measured one. */
async function throughput(driver: Driver, server: ServerSpec, n: number, warmups: number): Promise<Throughput> {
  return withConn(driver, server, async (conn) => {
    let lost = 0;
    let first: Throughput["first"] | undefined;
    for (let call = 0; ; call++) {
      const cpu0 = cpuMicros(conn.pid);
      const t0 = performance.now();
      const { received } = await conn.callStream(n, 0, false);
      const seconds = (performance.now() - t0) / 1000;
      const measured = { eps: received / seconds, cpu: (cpuMicros(conn.pid) - cpu0) / n };
      lost += n - received;
      first ??= measured;
      if (call === warmups) return { ...measured, lost, first };
    }
  });
}

/**
 * Figure 2 for every connection at once: each warmed up with a stream of `warmupMs` (its
 * losses counted, its lags not), then `blocks` streams of `ms / blocks` each, taking turns
 * (rotating the order), so a burst of load on the shared machine lands on every server
 * alike instead of on whichever ran its 3 s then. Per connection: p50 and p99 over all its blocks.
 */
async function latencyInterleaved(conns: ReadonlyMap<string, Conn>, ms: number, blocks: number, warmupMs: number): Promise<Map<string, number[]>> {
  const order = [...conns.keys()];
  const lags = new Map(order.map((id) => [id, [] as number[]]));
  const lost = new Map(order.map((id) => [id, 0]));
  const call = async (id: string, n: number, keep: boolean) => {
    const conn = conns.get(id);
    if (!conn || n <= 0) return;
    const { received, lagsMs } = await conn.callStream(n, LATENCY_INTERVAL_MS, keep);
    lost.set(id, (lost.get(id) ?? 0) + n - received);
    if (keep) lags.get(id)?.push(...lagsMs);
  };
  for (const id of order) await call(id, Math.round(warmupMs / LATENCY_INTERVAL_MS), false);
  const perBlock = Math.round(ms / blocks / LATENCY_INTERVAL_MS);
  for (let b = 0; b < blocks; b++) for (const id of rotate(order, b)) await call(id, perBlock, true);
  return new Map(order.map((id) => [id, [percentile(lags.get(id) ?? [], 50), percentile(lags.get(id) ?? [], 99), lost.get(id) ?? 0]]));
}

async function scale(driver: Driver, server: ServerSpec, k: number, ms: number): Promise<{ rss: number; lost: number; p99: number }> {
  const n = Math.max(1, Math.round(ms / SCALE_INTERVAL_MS));
  return withConn(driver, server, async (conn) => {
    const outcomes = await Promise.all(Array.from({ length: k }, () => conn.callStream(n, SCALE_INTERVAL_MS, true)));
    const rss = peakRssMiB(conn.pid);
    const lags = outcomes.flatMap((o) => o.lagsMs);
    return { rss, lost: k * n - sum(outcomes.map((o) => o.received)), p99: percentile(lags, 99) };
  });
}

async function coldStartOnce(server: ServerSpec): Promise<{ init: number; list: number }> {
  const t0 = performance.now();
  const conn = new BareConn(server);
  try {
    await conn.initialize();
    const t1 = performance.now();
    conn.notify("notifications/initialized");
    const list = await conn.request("tools/list", {});
    const t2 = performance.now();
    const tools = (list.result as { tools?: unknown[] } | undefined)?.tools;
    if (!Array.isArray(tools) || tools.length < 2) throw new Error(`${server.id}: tools/list answered ${JSON.stringify(list)}`);
    return { init: t1 - t0, list: t2 - t0 };
  } finally {
    await conn.close();
  }
}

/**
 * Cold start of every server, `times` spawns each, interleaved spawn by spawn
 * (A B C D A B C D …): a burst of load on the machine then hits every server
 * alike instead of one. Per server: the median of its spawns.
 */
async function coldStarts(servers: readonly ServerSpec[], times: number): Promise<Map<string, { init: number[]; list: number[] }>> {
  const spawns = new Map(servers.map((s) => [s.id, { init: [] as number[], list: [] as number[] }]));
  for (let i = 0; i < times; i++) {
    for (const server of rotate(servers, i)) {
      const { init, list } = await coldStartOnce(server);
      const mine = spawns.get(server.id);
      mine?.init.push(init);
      mine?.list.push(list);
    }
  }
  return spawns;
}

/** Calls per block of the echo figure: every server's calls are timed in blocks this size, taking turns. */
const ECHO_BLOCK = 100;

/**
 * Sequential echo calls through each connection, interleaved block by block
 * (100 calls to A, 100 to B, …, rotating the order): a second of noise on the
 * machine then lands on every server alike, not on whichever ran then.
 * Per connection: its calls divided by the sum of its blocks' times.
 */
async function echoInterleaved(conns: ReadonlyMap<string, Conn>, calls: number): Promise<Map<string, number>> {
  const spent = new Map([...conns.keys()].map((id) => [id, 0]));
  const order = [...conns.keys()];
  for (const id of order) {
    const conn = conns.get(id);
    for (let i = 0; i < ECHO_BLOCK && conn; i++) await conn.echo("warm-up");
  }
  const blocks = Math.max(1, Math.round(calls / ECHO_BLOCK));
  for (let b = 0; b < blocks; b++) {
    for (const id of rotate(order, b)) {
      const conn = conns.get(id);
      if (!conn) continue;
      const t0 = performance.now();
      for (let i = 0; i < ECHO_BLOCK; i++) await conn.echo(`hello ${b}.${i}`);
      spent.set(id, (spent.get(id) ?? 0) + (performance.now() - t0));
    }
  }
  return new Map([...spent].map(([id, ms]) => [id, (blocks * ECHO_BLOCK) / (ms / 1000)]));
}

// --- The run -------------------------------------------------------------------------------------

export async function runBench(options: { quick: boolean; config?: Partial<BenchConfig>; log?: Log }): Promise<BenchResult> {
  const config: BenchConfig = { ...(options.quick ? QUICK : FULL), ...options.config };
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const samples: Samples = {};
  const errors: string[] = [];
  const notes: string[] = [];
  const startedAt = new Date();
  const t0 = performance.now();
  const loadBefore = loadavg()[0] ?? Number.NaN;

  const loaded = await loadMcpcClient();
  const mcpcClient = typeof loaded === "string" ? undefined : mcpcClientDriver(loaded);
  if (!mcpcClient) {
    const note = `Figure 1a (mcpc through McpcClient in MCPC mode) skipped: ${loaded}.`;
    notes.push(note);
    log(note);
  }
  notes.push(pythonFastMcpNote());
  log(notes[notes.length - 1] ?? "");

  const columns = [...SERVERS.map((s) => s.id)];
  if (mcpcClient) columns.splice(1, 0, MCPC_CLIENT_COLUMN);

  /** Runs one measurement; a failure records NaN for its metrics and is reported. */
  const measure = async (what: string, column: string, round: number, keys: string[], body: () => Promise<number[]>) => {
    const started = performance.now();
    try {
      const values = await body();
      keys.forEach((key, i) => record(samples, key, column, round, values[i] ?? Number.NaN));
      log(`  ${what} ${column}: ${keys.map((k, i) => `${k}=${fmt(values[i] ?? Number.NaN, 2)}`).join(" ")} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      for (const key of keys) record(samples, key, column, round, Number.NaN);
      const message = `round ${round + 1}, ${what}, ${column}: ${(error as Error).message}`;
      errors.push(message);
      log(`  FAILED ${message}`);
    }
  };

  /** Runs one measurement of every column at once (an interleaved figure); a failure records NaN for all of them. */
  const measureAll = async (what: string, round: number, keys: string[], body: () => Promise<Map<string, number[]>>) => {
    const started = performance.now();
    try {
      const byColumn = await body();
      for (const [column, values] of byColumn) keys.forEach((key, i) => record(samples, key, column, round, values[i] ?? Number.NaN));
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      log(`  ${what}: ${[...byColumn].map(([column, values]) => `${column} ${values.map((v) => fmt(v, 1)).join("/")}`).join(", ")} (${seconds} s)`);
    } catch (error) {
      for (const column of columns) for (const key of keys) record(samples, key, column, round, Number.NaN);
      const message = `round ${round + 1}, ${what}: ${(error as Error).message}`;
      errors.push(message);
      log(`  FAILED ${message}`);
    }
  };

  /** One fresh server per column, connected through the SDK Client (and mcpc once more through McpcClient). */
  const connectAll = async (servers: readonly ServerSpec[]): Promise<Map<string, Conn>> => {
    const conns = new Map<string, Conn>();
    try {
      for (const server of servers) {
        conns.set(server.id, await sdkClientDriver.connect(server));
        if (server.id === "mcpc" && mcpcClient) conns.set(MCPC_CLIENT_COLUMN, await mcpcClient.connect(server));
      }
    } catch (error) {
      await Promise.all([...conns.values()].map((conn) => conn.close()));
      throw error;
    }
    return conns;
  };

  for (let round = 0; round < config.rounds; round++) {
    const order = rotate(SERVERS, round);
    log(`round ${round + 1}/${config.rounds}: ${order.map((s) => s.id).join(" ")}`);
    for (const server of order) {
      await measure("throughput/client", server.id, round, ["tp.client.eps", "tp.client.lost", "tp.client.cpu"], async () => {
        const r = await throughput(sdkClientDriver, server, config.throughputN, config.throughputWarmups);
        return [r.eps, r.lost, r.cpu];
      });
      if (server.id === "mcpc" && mcpcClient) {
        await measure("throughput/client", MCPC_CLIENT_COLUMN, round, ["tp.client.eps", "tp.client.lost", "tp.client.cpu"], async () => {
          const r = await throughput(mcpcClient, server, config.throughputN, config.throughputWarmups);
          return [r.eps, r.lost, r.cpu];
        });
      }
    }
    for (const server of order) {
      await measure("throughput/bare", server.id, round, ["tp.bare.eps", "tp.bare.lost", "tp.bare.cpu", "tp.first.eps", "tp.first.cpu"], async () => {
        const r = await throughput(bareDriver, server, config.throughputN, config.throughputWarmups);
        return [r.eps, r.lost, r.cpu, r.first.eps, r.first.cpu];
      });
    }
    await measureAll("latency", round, ["lat.p50", "lat.p99", "lat.lost"], async () => {
      const conns = await connectAll(order);
      try {
        return await latencyInterleaved(conns, config.latencyMs, config.latencyBlocks, config.latencyWarmupMs);
      } finally {
        await Promise.all([...conns.values()].map((conn) => conn.close()));
      }
    });
    for (const server of order) {
      await measure("scale", server.id, round, ["scale.rss", "scale.lost", "scale.p99"], async () => {
        const r = await scale(sdkClientDriver, server, config.scaleK, config.scaleMs);
        return [r.rss, r.lost, r.p99];
      });
      if (server.id === "mcpc" && mcpcClient) {
        await measure("scale", MCPC_CLIENT_COLUMN, round, ["scale.rss", "scale.lost", "scale.p99"], async () => {
          const r = await scale(mcpcClient, server, config.scaleK, config.scaleMs);
          return [r.rss, r.lost, r.p99];
        });
        // The big K only through our client, and only once (it is the slowest figure).
        if (round === 0) {
          await measure("scale/big", MCPC_CLIENT_COLUMN, round, ["big.rss", "big.lost", "big.p99"], async () => {
            const r = await scale(mcpcClient, server, config.scaleBigK, config.scaleMs);
            return [r.rss, r.lost, r.p99];
          });
        }
      }
    }
    await measureAll("cold start", round, ["cold.init", "cold.list"], async () => {
      const spawns = await coldStarts(order, config.coldStarts);
      return new Map([...spawns].map(([id, { init, list }]) => [id, [median(init), median(list)]]));
    });
    await measureAll("echo", round, ["echo.cps"], async () => {
      const conns = await connectAll(order);
      try {
        const rates = await echoInterleaved(conns, config.echoCalls);
        return new Map([...rates].map(([id, cps]) => [id, [cps]]));
      } finally {
        await Promise.all([...conns.values()].map((conn) => conn.close()));
      }
    });
  }
  return { config, quick: options.quick, samples, columns, errors, notes, startedAt, seconds: (performance.now() - t0) / 1000, load: [loadBefore, loadavg()[0] ?? Number.NaN] };
}

function pythonFastMcpNote(): string {
  try {
    execFileSync("python3", ["-c", "import fastmcp"], { stdio: "ignore" });
    return "Python FastMCP is importable here, but this harness does not drive it yet: skipped.";
  } catch {
    return "Python FastMCP skipped: no Python environment with `fastmcp` here (no PyPI access).";
  }
}

// --- The report ----------------------------------------------------------------------------------

function fmt(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function columnLabel(column: string): string {
  if (column === MCPC_CLIENT_COLUMN) return "mcpc (McpcClient)";
  return SERVERS.find((s) => s.id === column)?.label ?? column;
}

/** The median of a metric for a column, across rounds (NaN rounds left out). */
export function medianOf(result: BenchResult, metric: string, column: string): number {
  const values = (result.samples[metric]?.[column] ?? []).filter((v) => Number.isFinite(v));
  return median(values);
}

/** (column / base) within each round, for the rounds where both were measured. */
export function roundRatios(result: BenchResult, metric: string, column: string, base: string): number[] {
  const a = result.samples[metric]?.[column] ?? [];
  const b = result.samples[metric]?.[base] ?? [];
  const ratios: number[] = [];
  for (let r = 0; r < Math.max(a.length, b.length); r++) {
    const x = a[r];
    const y = b[r];
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y !== 0) ratios.push(x / y);
  }
  return ratios;
}

/** The median over rounds of (column / base) taken within each round. */
export function ratioOf(result: BenchResult, metric: string, column: string, base: string): number {
  return median(roundRatios(result, metric, column, base));
}

/** Share of rounds a figure must go one way for a win or a loss to be called; below it, the rounds disagree: a tie within noise. */
export const CONSISTENT_SHARE = 0.8;

/**
 * Who is ahead on one figure, from the per-round ratios (column / base): ahead when
 * at least {@link CONSISTENT_SHARE} of the rounds say so; otherwise a tie (the
 * rounds disagree, so the median ratio's side is the machine's noise, not the servers').
 */
export function verdict(ratios: readonly number[], better: MetricDef["better"]): "won" | "lost" | "tie" {
  if (ratios.length === 0) return "tie";
  const wins = ratios.filter((x) => (better === "higher" ? x > 1 : x < 1)).length;
  const losses = ratios.filter((x) => (better === "higher" ? x < 1 : x > 1)).length;
  if (wins >= CONSISTENT_SHARE * ratios.length) return "won";
  if (losses >= CONSISTENT_SHARE * ratios.length) return "lost";
  return "tie";
}

function lossTotal(result: BenchResult, metric: string, column: string): number {
  return sum((result.samples[metric]?.[column] ?? []).filter((v) => Number.isFinite(v)));
}

export function renderReport(result: BenchResult, command: string): string {
  const { config, columns } = result;
  const present = METRICS.filter((m) => result.samples[m.key] !== undefined);
  const lines: string[] = [];
  const nodeVersion = process.version;
  lines.push("# Benchmarks", "");
  lines.push(
    `mcpc against the raw MCP SDK (\`@modelcontextprotocol/sdk\` 1.32.2 \`McpServer\`), fastmcp 4.20 and a raw-pipe floor (no SDK), each a stdio child process run with plain \`node\` on compiled JS. Generated by \`${command}\` (issue 3); do not edit by hand.`,
    "",
  );
  lines.push(`- Date: ${result.startedAt.toISOString()}`);
  lines.push(
    `- Machine: ${availableParallelism()} cores (\`nproc\`), Node ${nodeVersion}, ${process.platform}/${process.arch}; load average ${fmt(result.load[0], 2)} before, ${fmt(result.load[1], 2)} after (the machine is shared: absolute figures are noisy, per-round ratios less so)`,
  );
  lines.push(`- Command: \`${command}\`${result.quick ? " (smoke mode: sizes far too small to quote)" : ""}; total ${fmt(result.seconds, 0)} s`);
  lines.push(
    `- Sizes: ${config.rounds} round(s), servers interleaved (A B C D, B C D A, …); throughput n = ${fmt(config.throughputN, 0)} at intervalMs 0, measured on the call after ${config.throughputWarmups} warm-up call(s) of the same size; latency ${fmt(config.latencyMs / 1000, 1)} s at intervalMs 1 per server in ${config.latencyBlocks} blocks taking turns, after a ${fmt(config.latencyWarmupMs / 1000, 1)} s warm-up stream; scale K = ${fmt(config.scaleK, 0)} calls × one update / 100 ms for ${fmt(config.scaleMs / 1000, 1)} s${columns.includes(MCPC_CLIENT_COLUMN) ? ` (and K = ${fmt(config.scaleBigK, 0)} background tasks through McpcClient, round 1 only)` : ""}; cold start median of ${config.coldStarts} spawns per server per round, spawns interleaved server by server (${config.coldStarts * config.rounds} per server in all); echo ${fmt(config.echoCalls, 0)} sequential calls per server, in blocks of ${ECHO_BLOCK} taking turns.`,
  );
  lines.push("");
  lines.push("## Medians across rounds", "");
  lines.push(`| fig | figure | ${columns.map(columnLabel).join(" | ")} |`);
  lines.push(`|---|---|${columns.map(() => "--:").join("|")}|`);
  for (const m of present) {
    const cells = columns.map((c) => (result.samples[m.key]?.[c] ? fmt(medianOf(result, m.key, c), m.decimals) : "—"));
    lines.push(`| ${m.figure} | ${m.label} | ${cells.join(" | ")} |`);
  }
  lines.push("");
  lines.push("Events lost are per run (median across rounds); the totals over all rounds are below.", "");

  const ratioTable = (base: string, title: string) => {
    const others = columns.filter((c) => c !== base);
    lines.push(`## ${title}`, "");
    lines.push("Median over rounds of the per-round ratio (each server against the base measured in the same round). For events/s and calls/s higher is better; for the rest lower is better.", "");
    lines.push(`| fig | figure | ${others.map(columnLabel).join(" | ")} |`);
    lines.push(`|---|---|${others.map(() => "--:").join("|")}|`);
    for (const m of present.filter((p) => p.better !== "zero" && result.samples[p.key]?.[base])) {
      const cells = others.map((c) => (result.samples[m.key]?.[c] && result.samples[m.key]?.[base] ? `${fmt(ratioOf(result, m.key, c, base), 2)}×` : "—"));
      lines.push(`| ${m.figure} | ${m.label} | ${cells.join(" | ")} |`);
    }
    lines.push("");
  };
  ratioTable("sdk", "Ratios to the raw SDK");
  ratioTable("floor", "Ratios to the floor");

  lines.push("## Targets of issue 3", "");
  lines.push("| target | where we stand | met |", "|---|---|:-:|");
  const target = (what: string, value: number, ok: boolean, shown: string) =>
    lines.push(`| ${what} | ${Number.isFinite(value) ? shown : "n/a"} | ${Number.isFinite(value) ? (ok ? "yes" : "**no**") : "—"} |`);
  const r = (metric: string, column = "mcpc", base = "sdk") => ratioOf(result, metric, column, base);
  const ceiling = r("tp.bare.eps");
  target("server ceiling ≥ 1.5× raw SDK events/s", ceiling, ceiling >= 1.5, `${fmt(ceiling, 2)}×`);
  const cpu = r("tp.bare.cpu");
  const firstCpu = r("tp.first.cpu");
  target("server CPU per event ≤ 0.7× raw SDK", cpu, cpu <= 0.7, `${fmt(cpu, 2)}× (first call on a fresh server: ${fmt(firstCpu, 2)}×)`);
  const lostKeys = ["tp.client.lost", "tp.bare.lost", "lat.lost", "scale.lost", "big.lost"];
  const lost = sum(lostKeys.flatMap((k) => [lossTotal(result, k, "mcpc"), lossTotal(result, k, MCPC_CLIENT_COLUMN)]));
  target("0 events lost (mcpc, SDK Client fallback and McpcClient)", lost, lost === 0, `${fmt(lost, 0)} lost`);
  const rss = r("scale.rss");
  target("peak RSS at K ≤ 1.0× raw SDK", rss, rss <= 1.0, `${fmt(rss, 2)}×`);
  const cold = r("cold.list");
  target("cold start ≤ 1.1× raw SDK", cold, cold <= 1.1, `${fmt(cold, 2)}×`);
  const echoRatio = r("echo.cps");
  target("sequential echo ≥ 0.95× raw SDK", echoRatio, echoRatio >= 0.95, `${fmt(echoRatio, 2)}×`);
  // mcpc against fastmcp, figure by figure: beaten only where the rounds agree (see verdict()).
  const versus = present
    .filter((m) => m.better !== "zero" && result.samples[m.key]?.fastmcp && result.samples[m.key]?.mcpc)
    .map((m) => {
      const ratios = roundRatios(result, m.key, "mcpc", "fastmcp");
      const ahead = ratios.filter((x) => (m.better === "higher" ? x > 1 : x < 1)).length;
      return { text: `${m.label} (${fmt(median(ratios), 2)}× fastmcp, ahead in ${ahead} of ${ratios.length} rounds)`, verdict: verdict(ratios, m.better) };
    });
  const lostTo = versus.filter((v) => v.verdict === "lost").map((v) => v.text);
  const tied = versus.filter((v) => v.verdict === "tie").map((v) => v.text);
  const beaten = versus.length - lostTo.length - tied.length;
  const standing = [`beaten on ${beaten} of ${versus.length}`, lostTo.length > 0 ? `lost on: ${lostTo.join("; ")}` : "", tied.length > 0 ? `tied within noise (the rounds disagree) on: ${tied.join("; ")}` : ""]
    .filter(Boolean)
    .join("; ");
  target("fastmcp beaten on every figure (mcpc via the SDK Client)", beaten, beaten === versus.length, standing);
  lines.push("");

  lines.push("## Events lost, all rounds", "");
  lines.push(`| figure | ${columns.map(columnLabel).join(" | ")} |`);
  lines.push(`|---|${columns.map(() => "--:").join("|")}|`);
  for (const m of present.filter((p) => p.better === "zero")) {
    const cells = columns.map((c) => {
      const runs = (result.samples[m.key]?.[c] ?? []).filter((v) => Number.isFinite(v)).length;
      return result.samples[m.key]?.[c] ? `${fmt(lossTotal(result, m.key, c), 0)} in ${runs} run(s)` : "—";
    });
    lines.push(`| ${m.label} | ${cells.join(" | ")} |`);
  }
  lines.push("");
  lines.push("## How it is measured", "");
  lines.push(
    "- Every measurement spawns a fresh server (`node dist/servers/<name>.js`, compiled by `tsc`, so no tsx start-up) and kills it afterwards.",
    `- 1: ${config.throughputWarmups + 1} \`stream(n, 0)\` calls in a row on one connection; the figures are those of the last, so the server (and the client) run warm: the first call on a fresh process also pays V8's JIT for its code path — compiles on background threads, which the CPU figure counts, and a second compile of what the end of a call deoptimizes — a one-time cost of tens of milliseconds that n = 20,000 would spread over every event. The first call is reported on its own rows (1c, “first call on a fresh server”). Losses count every call.`,
    "- 1b: through the SDK `Client` with an `onprogress` callback (so a `progressToken`); mcpc answers it with its synchronous fallback. Events/s = updates received / (call → answer). Lost = n − received (the SDK client drops progress that shares a read with the response, typescript-sdk#2580).",
    "- 1c: the same calls written and read by hand (a bare line reader that counts progress lines without parsing them and answers server pings): the server's own ceiling. Server CPU = the child's time on a CPU during the call (the sum over its threads of `/proc/<pid>/task/<tid>/schedstat`, in nanoseconds; 10 ms ticks from `/proc/<pid>/stat` where that is missing), divided by n.",
    `- 2: every server connected at once and warmed up with a ${fmt(config.latencyWarmupMs / 1000, 1)} s stream at the same pace (losses counted, lags not), then ${config.latencyBlocks} \`stream(${fmt(Math.round(config.latencyMs / config.latencyBlocks / LATENCY_INTERVAL_MS), 0)}, ${LATENCY_INTERVAL_MS})\` calls each, taking turns (rotating the order), so a burst of load on the shared machine lands on every server alike; p50 and p99 over all of a server's blocks. Each update carries the server's reading of the machine's monotonic clock (\`process.hrtime\`, one clock for all processes; \`performance.timeOrigin\` differs by up to milliseconds between processes); lag = the client's reading at receipt − that. Drift-corrected pacing (~1,000 events/s).`,
    "- 3: K concurrent `stream(n, 100)` calls through one SDK `Client`; peak RSS = VmHWM of the child from `/proc/<pid>/status`; lag as in 2.",
    "- 4: spawn → `initialize` answered → `tools/list` answered, over a bare pipe; the servers take turns spawn by spawn (A B C D, B C D A, …); median per server per round.",
    `- 5: sequential \`echo\` calls through the SDK \`Client\` (and McpcClient), every server connected at once and warmed up with ${ECHO_BLOCK} calls, then timed in blocks of ${ECHO_BLOCK} calls taking turns (rotating the order), so a burst of noise on the shared machine lands on all of them; calls/s = calls / the sum of a server's block times.`,
    `- Against fastmcp, a figure counts as beaten when mcpc is ahead in at least ${CONSISTENT_SHARE * 100} % of the rounds, as lost when behind in that many, and otherwise as a tie within noise: the rounds disagree, so which side the median ratio falls on says more about the shared machine than about the servers.`,
    "",
  );
  if (result.notes.length > 0 || result.errors.length > 0) {
    lines.push("## Notes", "");
    for (const note of result.notes) lines.push(`- ${note}`);
    for (const error of result.errors) lines.push(`- FAILED: ${error}`);
    lines.push("");
  }
  return lines.join("\n");
}
