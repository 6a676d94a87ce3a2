/**
 * Replicas on Redis (issue 16): mcpc as two replicas of an HTTP server on the Redis
 * store (`@mcpc/redis`, one real `redis-server`) against the same two replicas each on
 * the in-memory store, interleaved round by round. `runRedisBench` measures and returns
 * the samples; replicaReport.ts turns them into that part of BENCHMARKS.md.
 */
import { Recorder, rotate, type FigureSet, type Log, type MetricDef } from "../recorder.js";
import { BenchRedis, findRedisServer } from "./redisServer.js";
import { measureReplicas, type ReplicaFigures, type ReplicaLoad } from "./replicaFigures.js";

export interface RedisBenchConfig extends ReplicaLoad {
  rounds: number;
}

export const REDIS_FULL: RedisBenchConfig = {
  rounds: 5,
  // Issue 16's size: 1,000 background tasks across two replicas.
  tasks: 1_000,
  yields: 100,
  sessionsPerReplica: 5,
  timeoutMs: 180_000,
};

export const REDIS_QUICK: RedisBenchConfig = {
  rounds: 1,
  tasks: 40,
  yields: 20,
  sessionsPerReplica: 2,
  timeoutMs: 60_000,
};

/** The two columns: the store under test and the base it is quoted against. */
export const STORES = [
  { id: "redis", label: "Redis store" },
  { id: "memory", label: "memory store" },
] as const;

export const REDIS_METRICS: readonly MetricDef[] = [
  { key: "r.eps", figure: "R1", label: "events/s, both replicas together", better: "higher", decimals: 0 },
  { key: "r.lost", figure: "R1", label: "events lost (client side)", better: "zero", decimals: 0 },
  { key: "r.missing", figure: "R1", label: "events missing from Redis's task logs", better: "zero", decimals: 0 },
  { key: "r.cpu.replicas", figure: "R2", label: "replicas' CPU (both), µs/event", better: "lower", decimals: 1 },
  { key: "r.cpu.redis", figure: "R2", label: "redis-server CPU, µs/event", better: "lower", decimals: 1 },
  { key: "r.cpu.total", figure: "R2", label: "server-side CPU (replicas, + redis-server for the Redis store), µs/event", better: "lower", decimals: 1 },
  { key: "r.rss", figure: "R2", label: "peak RSS of a replica, MiB", better: "lower", decimals: 1 },
];

/** The metrics only the Redis store has. */
const REDIS_ONLY = new Set(["r.missing", "r.cpu.redis"]);

export interface RedisBenchResult extends FigureSet {
  config: RedisBenchConfig;
  seconds: number;
  /** Why the part did not run (no redis-server on PATH), or undefined when it ran. */
  skipped: string | undefined;
  /** The version of the redis-server measured. */
  redisVersion: string | undefined;
}

/** One measurement's figures by metric key. */
function samplesOf(r: ReplicaFigures): Record<string, number> {
  return {
    "r.eps": r.eps,
    "r.lost": r.lost,
    "r.cpu.replicas": r.cpuReplicas,
    "r.cpu.total": r.cpuReplicas + (r.cpuRedis ?? 0),
    "r.rss": r.rss,
    ...(r.cpuRedis !== undefined && { "r.cpu.redis": r.cpuRedis }),
    ...(r.missingInRedis !== undefined && { "r.missing": r.missingInRedis }),
  };
}

/** Why the part is skipped where there is no redis-server. */
export const NO_REDIS_SERVER = "no `redis-server` on PATH (install it: `apt-get install redis-server`; `.ci/run` does)";

/**
 * Runs the Redis part: for each round, both stores in turn (the order rotating), each on
 * two fresh replicas. Without `redis-server` on PATH the part is skipped, saying why (in
 * the result and on the log), and nothing fails.
 */
export async function runRedisBench(options: { quick: boolean; config?: Partial<RedisBenchConfig>; log?: Log }): Promise<RedisBenchResult> {
  const config: RedisBenchConfig = { ...(options.quick ? REDIS_QUICK : REDIS_FULL), ...options.config };
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const recorder = new Recorder(log, "Redis, ");
  const columns = STORES.map((s) => s.id);
  const t0 = performance.now();
  const result = (skipped: string | undefined, redisVersion: string | undefined): RedisBenchResult => ({
    config,
    samples: recorder.samples,
    columns,
    errors: recorder.errors,
    notes: [],
    seconds: (performance.now() - t0) / 1000,
    skipped,
    redisVersion,
  });

  const binary = findRedisServer();
  if (!binary) {
    log(`Redis part skipped: ${NO_REDIS_SERVER}`);
    return result(NO_REDIS_SERVER, undefined);
  }
  let redis: BenchRedis;
  try {
    redis = await BenchRedis.start(binary);
  } catch (error) {
    // A failure of the part, reported like any other: the rest of the run stands.
    recorder.errors.push(`Redis, redis-server did not start: ${(error as Error).message}`);
    log(`  FAILED ${recorder.errors.at(-1) ?? ""}`);
    return result(undefined, undefined);
  }
  try {
    log(`Redis part: redis-server ${redis.version} on port ${redis.port}`);
    for (let round = 0; round < config.rounds; round++) {
      const order = rotate(STORES, round);
      log(`Redis round ${round + 1}/${config.rounds}: ${order.map((s) => s.id).join(" ")}`);
      for (const store of order) {
        const onRedis = store.id === "redis";
        // The memory store uses no Redis: no log to check, no redis-server CPU (its idle CPU over a ratio would be noise); shown as "—".
        const keys = REDIS_METRICS.map((m) => m.key).filter((key) => onRedis || !REDIS_ONLY.has(key));
        await recorder.measure("replicas", store.id, round, keys, async () => {
          // Replica names of their own per round: a killed replica's lease must never meet its successor's.
          const values = samplesOf(await measureReplicas(config, redis, onRedis, `bench-r${round + 1}`));
          return keys.map((key) => values[key] ?? Number.NaN);
        });
      }
    }
  } finally {
    await redis.stop();
  }
  return result(undefined, redis.version);
}
