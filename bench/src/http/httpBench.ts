/**
 * The Streamable HTTP benchmark (issue 18): mcpc, the raw SDK (its session example on
 * plain node:http) and fastmcp (`httpStream`), each a child process on 127.0.0.1 at a
 * port chosen at run time, interleaved round by round. `runHttpBench` measures and
 * returns the samples; httpReport.ts turns them into the HTTP part of BENCHMARKS.md.
 */
import { fileURLToPath } from "node:url";
import { loadMcpcClient } from "../drivers.js";
import { MCPC_CLIENT_COLUMN, Recorder, rotate, type FigureSet, type Log, type MetricDef } from "../recorder.js";
import { median } from "../stats.js";
import { bareHttpDriver, mcpcHttpDriver, sdkHttpDriver } from "./httpDrivers.js";
import { httpColdStarts, httpLoad, httpThroughput, setUpsInterleaved } from "./httpFigures.js";
import type { HttpServerSpec } from "./serverProcess.js";

export interface HttpBenchConfig {
  rounds: number;
  /** H1: updates in one call, intervalMs 0, measured on the call after the warm-ups (same session). */
  throughputN: number;
  throughputWarmups: number;
  /** H2: sessions × concurrent tasks each, one update every 100 ms for loadMs. */
  loadSessions: number;
  loadTasks: number;
  loadMs: number;
  /** H3: timed blocks of session set-ups per server per round, each this long, this many set-ups at a time. */
  setupBlocks: number;
  setupBlockMs: number;
  setupWorkers: number;
  /** H4: spawns per server per round. */
  coldStarts: number;
}

export const HTTP_FULL: HttpBenchConfig = {
  rounds: 5,
  throughputN: 10_000,
  throughputWarmups: 2,
  loadSessions: 100,
  loadTasks: 10,
  // 20 updates per task, 20,000 events per server: the HTTP part stays near 5 minutes on 2 cores.
  loadMs: 2_000,
  setupBlocks: 2,
  setupBlockMs: 1_000,
  setupWorkers: 4,
  coldStarts: 2,
};

export const HTTP_QUICK: HttpBenchConfig = {
  rounds: 1,
  throughputN: 500,
  throughputWarmups: 1,
  loadSessions: 5,
  loadTasks: 2,
  loadMs: 300,
  setupBlocks: 1,
  setupBlockMs: 300,
  setupWorkers: 2,
  coldStarts: 1,
};

const serverFile = (name: string) => fileURLToPath(new URL(`../../dist/servers/${name}.js`, import.meta.url));

export const HTTP_SERVERS: readonly HttpServerSpec[] = [
  { id: "mcpc", label: "mcpc", file: serverFile("mcpcHttp") },
  { id: "sdk", label: "raw SDK", file: serverFile("sdkHttp") },
  { id: "fastmcp", label: "fastmcp 4.20", file: serverFile("fastmcpHttp") },
];

export const HTTP_METRICS: readonly MetricDef[] = [
  { key: "h.tp.client.eps", figure: "H1", label: "one streaming call via SDK Client, events/s", better: "higher", decimals: 0 },
  { key: "h.tp.client.lost", figure: "H1", label: "events lost via SDK Client (all calls)", better: "zero", decimals: 0 },
  { key: "h.tp.client.cpu", figure: "H1", label: "server CPU via SDK Client, µs/event", better: "lower", decimals: 1 },
  { key: "h.tp.bare.eps", figure: "H1", label: "one streaming call, bare reader, events/s", better: "higher", decimals: 0 },
  { key: "h.tp.bare.lost", figure: "H1", label: "events lost, bare reader (all calls)", better: "zero", decimals: 0 },
  { key: "h.tp.bare.cpu", figure: "H1", label: "server CPU (bare reader), µs/event", better: "lower", decimals: 1 },
  { key: "h.load.lost", figure: "H2", label: "events lost, sessions × tasks", better: "zero", decimals: 0 },
  { key: "h.load.p50", figure: "H2", label: "lag p50, sessions × tasks, ms", better: "lower", decimals: 2 },
  { key: "h.load.p99", figure: "H2", label: "lag p99, sessions × tasks, ms", better: "lower", decimals: 1 },
  // Beside the lag, which a slow producer games (see httpFigures.ts `HttpLoad`); a figure, not a target.
  { key: "h.load.late.p50", figure: "H2", label: "lateness from the call p50, sessions × tasks, ms", better: "lower", decimals: 1 },
  { key: "h.load.late.p99", figure: "H2", label: "lateness from the call p99, sessions × tasks, ms", better: "lower", decimals: 1 },
  { key: "h.load.rss", figure: "H2", label: "peak RSS, sessions × tasks, MiB", better: "lower", decimals: 1 },
  { key: "h.setup.sps", figure: "H3", label: "session set-ups/s (initialize → first call answered → DELETE)", better: "higher", decimals: 0 },
  { key: "h.cold.listen", figure: "H4", label: "cold start → listening, ms", better: "lower", decimals: 1 },
  { key: "h.cold.init", figure: "H4", label: "cold start → initialize answered, ms", better: "lower", decimals: 1 },
];

export interface HttpBenchResult extends FigureSet {
  config: HttpBenchConfig;
  seconds: number;
}

export async function runHttpBench(options: { quick: boolean; config?: Partial<HttpBenchConfig>; log?: Log }): Promise<HttpBenchResult> {
  const config: HttpBenchConfig = { ...(options.quick ? HTTP_QUICK : HTTP_FULL), ...options.config };
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const recorder = new Recorder(log, "HTTP, ");
  const notes: string[] = [];
  const t0 = performance.now();

  const loaded = await loadMcpcClient();
  const mcpcClient = typeof loaded === "string" ? undefined : mcpcHttpDriver(loaded);
  if (!mcpcClient) notes.push(`The McpcClient column (events after return on the GET stream) skipped: ${loaded}.`);
  const columns = HTTP_SERVERS.map((s) => s.id);
  if (mcpcClient) columns.splice(1, 0, MCPC_CLIENT_COLUMN);
  const measure = recorder.measure.bind(recorder);

  for (let round = 0; round < config.rounds; round++) {
    const order = rotate(HTTP_SERVERS, round);
    log(`HTTP round ${round + 1}/${config.rounds}: ${order.map((s) => s.id).join(" ")}`);
    for (const server of order) {
      await measure("http throughput/client", server.id, round, ["h.tp.client.eps", "h.tp.client.lost", "h.tp.client.cpu"], async () => {
        const r = await httpThroughput(sdkHttpDriver, server, config.throughputN, config.throughputWarmups);
        return [r.eps, r.lost, r.cpu];
      });
      if (server.id === "mcpc" && mcpcClient) {
        await measure("http throughput/client", MCPC_CLIENT_COLUMN, round, ["h.tp.client.eps", "h.tp.client.lost", "h.tp.client.cpu"], async () => {
          const r = await httpThroughput(mcpcClient, server, config.throughputN, config.throughputWarmups);
          return [r.eps, r.lost, r.cpu];
        });
      }
    }
    for (const server of order) {
      await measure("http throughput/bare", server.id, round, ["h.tp.bare.eps", "h.tp.bare.lost", "h.tp.bare.cpu"], async () => {
        const r = await httpThroughput(bareHttpDriver, server, config.throughputN, config.throughputWarmups);
        return [r.eps, r.lost, r.cpu];
      });
    }
    const loadKeys = ["h.load.lost", "h.load.p50", "h.load.p99", "h.load.late.p50", "h.load.late.p99", "h.load.rss"];
    for (const server of order) {
      await measure("http load", server.id, round, loadKeys, async () => {
        const r = await httpLoad(sdkHttpDriver, server, config.loadSessions, config.loadTasks, config.loadMs);
        return [r.lost, r.p50, r.p99, r.lateP50, r.lateP99, r.rss];
      });
      if (server.id === "mcpc" && mcpcClient) {
        await measure("http load", MCPC_CLIENT_COLUMN, round, loadKeys, async () => {
          const r = await httpLoad(mcpcClient, server, config.loadSessions, config.loadTasks, config.loadMs);
          return [r.lost, r.p50, r.p99, r.lateP50, r.lateP99, r.rss];
        });
      }
    }
    await recorder.measureAll("http set-ups", round, ["h.setup.sps"], HTTP_SERVERS.map((s) => s.id), async () => {
      const rates = await setUpsInterleaved(order, config.setupBlocks, config.setupBlockMs, config.setupWorkers);
      return new Map([...rates].map(([id, sps]) => [id, [sps]]));
    });
    await recorder.measureAll("http cold start", round, ["h.cold.listen", "h.cold.init"], HTTP_SERVERS.map((s) => s.id), async () => {
      const spawns = await httpColdStarts(order, config.coldStarts);
      return new Map([...spawns].map(([id, { listen, init }]) => [id, [median(listen), median(init)]]));
    });
  }
  return { config, samples: recorder.samples, columns, errors: recorder.errors, notes, seconds: (performance.now() - t0) / 1000 };
}
