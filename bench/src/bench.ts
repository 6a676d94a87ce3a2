/**
 * The stdio benchmark (issue 3): mcpc against the raw SDK, fastmcp and a raw-pipe floor,
 * each a stdio child process, interleaved round by round. `runBench` measures and returns
 * the samples; report.ts turns them into BENCHMARKS.md. The HTTP figures are in http/.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bareDriver, loadMcpcClient, mcpcClientDriver, sdkClientDriver, type Conn, type ServerSpec } from "./drivers.js";
import { MCPC_CLIENT_COLUMN, Recorder, rotate, type FigureSet, type Log, type MetricDef } from "./recorder.js";
import { median } from "./stats.js";
import { coldStarts, echoInterleaved, latencyInterleaved, scale, throughput } from "./stdioFigures.js";

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
  // 3 spawns × 5 rounds = 15 per server (≥ the 10), to keep the full run under 8 minutes on 2 cores.
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

const serverFile = (name: string) => fileURLToPath(new URL(`../dist/servers/${name}.js`, import.meta.url));

export const SERVERS: readonly ServerSpec[] = [
  { id: "mcpc", label: "mcpc", file: serverFile("mcpc") },
  { id: "sdk", label: "raw SDK", file: serverFile("sdk") },
  { id: "fastmcp", label: "fastmcp 4.20", file: serverFile("fastmcp") },
  { id: "floor", label: "floor (raw pipe)", file: serverFile("floor") },
];

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
  { key: "scale.p50", figure: "3", label: "lag p50 at K, ms", better: "lower", decimals: 2 },
  { key: "scale.p99", figure: "3", label: "lag p99 at K, ms", better: "lower", decimals: 1 },
  // Beside the lag, which a slow producer games (see stdioFigures.ts `Scale`); a figure, not a target.
  { key: "scale.late.p50", figure: "3", label: "lateness from the call p50 at K, ms", better: "lower", decimals: 1 },
  { key: "scale.late.p99", figure: "3", label: "lateness from the call p99 at K, ms", better: "lower", decimals: 1 },
  { key: "big.rss", figure: "3", label: "peak RSS at big K (our client), MiB", better: "lower", decimals: 1 },
  { key: "big.lost", figure: "3", label: "events lost at big K (our client)", better: "zero", decimals: 0 },
  { key: "big.p99", figure: "3", label: "lag p99 at big K (our client), ms", better: "lower", decimals: 1 },
  { key: "big.late.p99", figure: "3", label: "lateness from the call p99 at big K (our client), ms", better: "lower", decimals: 1 },
  { key: "cold.init", figure: "4", label: "cold start → initialize answered, ms", better: "lower", decimals: 1 },
  { key: "cold.list", figure: "4", label: "cold start → tools/list answered, ms", better: "lower", decimals: 1 },
  { key: "echo.cps", figure: "5", label: "sequential echo, calls/s", better: "higher", decimals: 0 },
];

export interface BenchResult extends FigureSet {
  config: BenchConfig;
  seconds: number;
}

export async function runBench(options: { quick: boolean; config?: Partial<BenchConfig>; log?: Log }): Promise<BenchResult> {
  const config: BenchConfig = { ...(options.quick ? QUICK : FULL), ...options.config };
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const recorder = new Recorder(log);
  const notes: string[] = [];
  const t0 = performance.now();

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
  const measure = recorder.measure.bind(recorder);
  const measureAll = (what: string, round: number, keys: string[], body: () => Promise<Map<string, number[]>>) => recorder.measureAll(what, round, keys, columns, body);

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
    const scaleKeys = ["scale.rss", "scale.lost", "scale.p50", "scale.p99", "scale.late.p50", "scale.late.p99"];
    for (const server of order) {
      await measure("scale", server.id, round, scaleKeys, async () => {
        const r = await scale(sdkClientDriver, server, config.scaleK, config.scaleMs);
        return [r.rss, r.lost, r.p50, r.p99, r.lateP50, r.lateP99];
      });
      if (server.id === "mcpc" && mcpcClient) {
        await measure("scale", MCPC_CLIENT_COLUMN, round, scaleKeys, async () => {
          const r = await scale(mcpcClient, server, config.scaleK, config.scaleMs);
          return [r.rss, r.lost, r.p50, r.p99, r.lateP50, r.lateP99];
        });
        // The big K only through our client, and only once (it is the slowest figure).
        if (round === 0) {
          await measure("scale/big", MCPC_CLIENT_COLUMN, round, ["big.rss", "big.lost", "big.p99", "big.late.p99"], async () => {
            const r = await scale(mcpcClient, server, config.scaleBigK, config.scaleMs);
            return [r.rss, r.lost, r.p99, r.lateP99];
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
  return { config, samples: recorder.samples, columns, errors: recorder.errors, notes, seconds: (performance.now() - t0) / 1000 };
}

function pythonFastMcpNote(): string {
  try {
    execFileSync("python3", ["-c", "import fastmcp"], { stdio: "ignore" });
    return "Python FastMCP is importable here, but this harness does not drive it yet: skipped.";
  } catch {
    return "Python FastMCP skipped: no Python environment with `fastmcp` here (no PyPI access).";
  }
}
