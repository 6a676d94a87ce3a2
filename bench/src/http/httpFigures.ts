/**
 * The HTTP figures: each measures one server (or every server, interleaved)
 * through one driver, for one round, on a fresh server process. httpBench.ts
 * runs them and records the values.
 */
import type { Conn } from "../drivers.js";
import { cpuMicros, peakRssMiB } from "../proc.js";
import { rotate } from "../recorder.js";
import { sum, updateTimings, type UpdateTimings } from "../stats.js";
import { BareHttpSession } from "./bareHttp.js";
import type { HttpDriver } from "./httpDrivers.js";
import { HttpServerProcess, type HttpServerSpec } from "./serverProcess.js";

/** The load figure: one update per this many ms in each task (as the stdio scale figure). */
export const LOAD_INTERVAL_MS = 100;

/** Sessions opened at once in the load figure: fastmcp takes about 1 s per `initialize` (see setUpBlock), so not one by one. */
export const OPEN_AT_ONCE = 25;

/** Starts the server, runs `body`, and stops the server whatever happens. */
async function withServer<T>(spec: HttpServerSpec, body: (server: HttpServerProcess) => Promise<T>): Promise<T> {
  const server = await HttpServerProcess.start(spec);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** Opens `count` sessions, `concurrency` at a time (not timed; batches keep a burst of connections from overflowing the accept queue). */
async function openSessions(driver: HttpDriver, server: HttpServerProcess, count: number, concurrency: number): Promise<Conn[]> {
  const conns: Conn[] = [];
  for (let i = 0; i < count; i += concurrency) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(concurrency, count - i) }, () => driver.open(server)));
    for (const opened of batch) if (opened.status === "fulfilled") conns.push(opened.value);
    const failed = batch.find((opened) => opened.status === "rejected");
    if (failed) {
      // Every session opened so far is closed before the failure is reported.
      await Promise.all(conns.map((conn) => conn.close().catch(() => undefined)));
      throw failed.reason;
    }
  }
  return conns;
}

export interface HttpThroughput {
  eps: number;
  cpu: number;
  /** Over every call, warm-ups included. */
  lost: number;
}

/** `1 + warmups` calls of `stream(n, 0)` in one session of a fresh server; the last is the measured one. */
export function httpThroughput(driver: HttpDriver, spec: HttpServerSpec, n: number, warmups: number): Promise<HttpThroughput> {
  return withServer(spec, async (server) => {
    const conn = await driver.open(server);
    try {
      let lost = 0;
      for (let call = 0; ; call++) {
        const cpu0 = cpuMicros(server.pid);
        const t0 = performance.now();
        const { received } = await conn.callStream(n, 0, false);
        const seconds = (performance.now() - t0) / 1000;
        lost += n - received;
        if (call === warmups) return { eps: received / seconds, cpu: (cpuMicros(server.pid) - cpu0) / n, lost };
      }
    } finally {
      await conn.close();
    }
  });
}

/** H2 for one server: its lag and lateness (as stdio figure 3), and these. */
export interface HttpLoad extends UpdateTimings {
  rss: number;
  lost: number;
}

/**
 * `sessions` sessions of a fresh server, each running `tasks` concurrent
 * `stream(n, 100)` calls, all started at once; n = ms / 100.
 */
export function httpLoad(driver: HttpDriver, spec: HttpServerSpec, sessions: number, tasks: number, ms: number): Promise<HttpLoad> {
  const n = Math.max(1, Math.round(ms / LOAD_INTERVAL_MS));
  return withServer(spec, async (server) => {
    const conns = await openSessions(driver, server, sessions, OPEN_AT_ONCE);
    try {
      const calls = conns.flatMap((conn) => Array.from({ length: tasks }, () => conn.callStream(n, LOAD_INTERVAL_MS, true)));
      const outcomes = await Promise.all(calls);
      return { rss: peakRssMiB(server.pid), lost: sessions * tasks * n - sum(outcomes.map((o) => o.received)), ...updateTimings(outcomes) };
    } finally {
      await Promise.all(conns.map((conn) => conn.close().catch(() => undefined)));
    }
  });
}

/** One session's life through the bare client: initialize → initialized → one `echo` answered → DELETE. */
async function setUpOnce(server: HttpServerProcess): Promise<void> {
  const session = await BareHttpSession.open(server.url, server.pid);
  await session.echo("hello");
  await session.close();
}

/**
 * Set-ups for `ms`, `workers` at a time: each worker starts set-ups until the time is
 * up, and the block ends when the last one is done. Time-boxed, not counted: one server
 * may take a second per set-up (fastmcp waits up to 1 s for the client's capabilities
 * before it answers `initialize`), and a fixed count would then take minutes.
 */
async function setUpBlock(server: HttpServerProcess, ms: number, workers: number): Promise<{ count: number; ms: number }> {
  let count = 0;
  const t0 = performance.now();
  const until = t0 + ms;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < until) {
        await setUpOnce(server);
        count++;
      }
    }),
  );
  return { count, ms: performance.now() - t0 };
}

/**
 * Session set-ups per second of every server, each running at once, interleaved
 * block by block (rotating the order) after a warm-up half-block each, so noise on
 * the shared machine lands on all of them. Per server: set-ups / the sum of its block times.
 */
export async function setUpsInterleaved(specs: readonly HttpServerSpec[], blocks: number, blockMs: number, workers: number): Promise<Map<string, number>> {
  const servers: HttpServerProcess[] = [];
  try {
    for (const spec of specs) servers.push(await HttpServerProcess.start(spec));
    for (const server of servers) await setUpBlock(server, blockMs / 2, workers);
    const done = new Map(servers.map((s) => [s.spec.id, { count: 0, ms: 0 }]));
    for (let b = 0; b < blocks; b++) {
      for (const server of rotate(servers, b)) {
        const block = await setUpBlock(server, blockMs, workers);
        const mine = done.get(server.spec.id);
        if (mine) {
          mine.count += block.count;
          mine.ms += block.ms;
        }
      }
    }
    return new Map([...done].map(([id, { count, ms }]) => [id, count / (ms / 1000)]));
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/**
 * Cold start of every server, `times` spawns each, interleaved spawn by spawn:
 * spawn → `listening` printed, and spawn → the first `initialize` answered (sent
 * the moment it listens). Per server: every spawn's two times.
 */
export async function httpColdStarts(specs: readonly HttpServerSpec[], times: number): Promise<Map<string, { listen: number[]; init: number[] }>> {
  const spawns = new Map(specs.map((s) => [s.id, { listen: [] as number[], init: [] as number[] }]));
  for (let i = 0; i < times; i++) {
    for (const spec of rotate(specs, i)) {
      await withServer(spec, async (server) => {
        const t0 = performance.now();
        // Not closed: the server is killed right after.
        await BareHttpSession.open(server.url, server.pid);
        const mine = spawns.get(spec.id);
        mine?.listen.push(server.listenMs);
        mine?.init.push(server.listenMs + (performance.now() - t0));
      });
    }
  }
  return spawns;
}
