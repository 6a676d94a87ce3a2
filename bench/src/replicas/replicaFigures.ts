/**
 * One measurement of the Redis part: two fresh replicas on one store, sessions
 * opened on each, every task started at once, and the events counted as they
 * arrive. replicaBench.ts runs it for each store, round by round.
 */
import { cpuMicros, peakRssMiB } from "../proc.js";
import { sleep } from "../servers/common.js";
import { sum } from "../stats.js";
import type { BenchRedis } from "./redisServer.js";
import { ReplicaProcess } from "./replicaProcess.js";
import { ReplicaSession, type TaskTally } from "./replicaSession.js";
import { streamEntries } from "./redisCommand.js";

/** The sizes of one measurement. */
export interface ReplicaLoad {
  /** Background tasks, split evenly across every session of both replicas. */
  tasks: number;
  /** Updates each task yields, as fast as it can (`stream(n, 0)`). */
  yields: number;
  sessionsPerReplica: number;
  /** A measurement not done by then fails (a lost terminal event would otherwise hang it). */
  timeoutMs: number;
}

export const REPLICAS = 2;

export interface ReplicaFigures {
  /** Events received / (first call sent → last terminal event received). */
  eps: number;
  /** Events that never reached the client, warm-up tasks included. */
  lost: number;
  /** CPU of both replicas during the timed tasks / events received, µs. */
  cpuReplicas: number;
  /** CPU of redis-server over the same span / events received, µs; undefined for the memory store, which does not use it. */
  cpuRedis: number | undefined;
  /** The larger peak RSS of the two replicas, MiB. */
  rss: number;
  /** Events of every task (warm-ups too) not in Redis's task logs once writes settled; undefined for the memory store. */
  missingInRedis: number | undefined;
}

/** Events per task: `created`, the updates, `complete`. */
export const eventsPerTask = (yields: number): number => yields + 2;

/** How long the store may take to write out its last batch before the logs are counted. */
const SETTLE_MS = 10_000;
/** The key pattern of the store's task event logs under its default prefix (see packages/redis/README.md). */
const EVENT_LOGS = "mcpc:events:*";

/** Rejects after `ms` with what was done by then. */
async function withTimeout<T>(work: Promise<T>, ms: number, progress: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done after ${ms / 1000} s: ${progress()}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls Redis until its task logs hold `expected` entries (or the settle time is up); resolves with how many are missing. */
async function missingFromLogs(redis: BenchRedis, expected: number): Promise<number> {
  const until = performance.now() + SETTLE_MS;
  for (;;) {
    const missing = expected - (await streamEntries(redis.port, EVENT_LOGS));
    if (missing <= 0 || performance.now() > until) return missing;
    await sleep(20);
  }
}

/**
 * Two replicas on the Redis store (`onRedis`, named `<tag>-a` and `<tag>-b`) or each on
 * its own memory store; `load.tasks` background tasks across `sessionsPerReplica`
 * sessions on each, after one untimed warm-up task per session.
 */
export async function measureReplicas(load: ReplicaLoad, redis: BenchRedis, onRedis: boolean, tag: string): Promise<ReplicaFigures> {
  if (onRedis) await redis.flushAll();
  const replicas: ReplicaProcess[] = [];
  const sessions: ReplicaSession[] = [];
  try {
    const names = Array.from({ length: REPLICAS }, (_, i) => `${tag}-${String.fromCharCode(97 + i)}`);
    const started = await Promise.allSettled(names.map((replicaId) => ReplicaProcess.start(onRedis ? { url: redis.url, replicaId } : undefined)));
    // Kept before a failure is thrown, so the replica that did start is stopped below.
    for (const s of started) if (s.status === "fulfilled") replicas.push(s.value);
    const failed = started.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    for (const replica of replicas) {
      for (let s = 0; s < load.sessionsPerReplica; s++) sessions.push(await ReplicaSession.open(replica.url));
    }
    // Warm-up, untimed: every code path (and the store's scripts) run once on each replica before the clock starts.
    const warm = await withTimeout(Promise.all(sessions.map((session) => session.runTask(load.yields))), load.timeoutMs, () => "warm-up tasks");

    let ended = 0;
    const replicaCpu0 = sum(replicas.map((r) => cpuMicros(r.pid)));
    const redisCpu0 = cpuMicros(redis.pid);
    const t0 = performance.now();
    const tallies = await withTimeout(
      Promise.all(
        Array.from({ length: load.tasks }, async (_, i): Promise<TaskTally> => {
          const tally = await (sessions[i % sessions.length] as ReplicaSession).runTask(load.yields);
          ended++;
          return tally;
        }),
      ),
      load.timeoutMs,
      () => `${ended} of ${load.tasks} tasks ended`,
    );
    const seconds = (performance.now() - t0) / 1000;
    const replicaCpu = sum(replicas.map((r) => cpuMicros(r.pid))) - replicaCpu0;
    const redisCpu = cpuMicros(redis.pid) - redisCpu0;
    const received = sum(tallies.map((t) => t.received));
    const rss = Math.max(...replicas.map((r) => peakRssMiB(r.pid)));
    const expectedInLogs = (load.tasks + sessions.length) * eventsPerTask(load.yields);
    return {
      eps: received / seconds,
      lost: sum([...warm, ...tallies].map((t) => t.lost)),
      cpuReplicas: replicaCpu / received,
      cpuRedis: onRedis ? redisCpu / received : undefined,
      rss,
      missingInRedis: onRedis ? await missingFromLogs(redis, expectedInLogs) : undefined,
    };
  } finally {
    await Promise.all(sessions.map((session) => session.close().catch(() => undefined)));
    await Promise.all(replicas.map((replica) => replica.stop()));
  }
}
