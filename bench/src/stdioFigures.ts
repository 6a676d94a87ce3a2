/**
 * The stdio figures: each measures one server (or every server, interleaved)
 * through one driver, for one round. bench.ts runs them and records the values.
 */
import { BareConn, type Conn, type Driver, type ServerSpec } from "./drivers.js";
import { cpuMicros, peakRssMiB } from "./proc.js";
import { rotate } from "./recorder.js";
import { percentile, sum, updateTimings, type UpdateTimings } from "./stats.js";

/** Figure 3: one update per this many ms in each call. */
export const SCALE_INTERVAL_MS = 100;
/** Figure 2: one update per ms (~1,000 events/s). */
export const LATENCY_INTERVAL_MS = 1;

export async function withConn<T>(driver: Driver, server: ServerSpec, body: (conn: Conn) => Promise<T>): Promise<T> {
  const conn = await driver.connect(server);
  try {
    return await body(conn);
  } finally {
    await conn.close();
  }
}

export interface Throughput {
  /** The measured call, after the warm-up calls. */
  eps: number;
  cpu: number;
  /** Over every call, warm-ups included. */
  lost: number;
  /** The first call on the fresh server (the first warm-up, or the measured call when there is none). */
  first: { eps: number; cpu: number };
}

/** `1 + warmups` calls of `stream(n, 0)` on one connection; the last is the measured one. */
export async function throughput(driver: Driver, server: ServerSpec, n: number, warmups: number): Promise<Throughput> {
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
export async function latencyInterleaved(conns: ReadonlyMap<string, Conn>, ms: number, blocks: number, warmupMs: number): Promise<Map<string, number[]>> {
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

/** Figure 3 for one server through one driver: its lag and lateness, and these. */
export interface Scale extends UpdateTimings {
  /** Peak RSS of the server, MiB. */
  rss: number;
  lost: number;
}

/** K concurrent `stream(n, 100)` calls on one connection, all issued in one loop (each timed from its own send); n = ms / 100. */
export async function scale(driver: Driver, server: ServerSpec, k: number, ms: number): Promise<Scale> {
  const n = Math.max(1, Math.round(ms / SCALE_INTERVAL_MS));
  return withConn(driver, server, async (conn) => {
    const outcomes = await Promise.all(Array.from({ length: k }, () => conn.callStream(n, SCALE_INTERVAL_MS, true)));
    return { rss: peakRssMiB(conn.pid), lost: k * n - sum(outcomes.map((o) => o.received)), ...updateTimings(outcomes) };
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
export async function coldStarts(servers: readonly ServerSpec[], times: number): Promise<Map<string, { init: number[]; list: number[] }>> {
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
export const ECHO_BLOCK = 100;

/**
 * Sequential echo calls through each connection, interleaved block by block
 * (100 calls to A, 100 to B, …, rotating the order): a second of noise on the
 * machine then lands on every server alike, not on whichever ran then.
 * Per connection: its calls divided by the sum of its blocks' times.
 */
export async function echoInterleaved(conns: ReadonlyMap<string, Conn>, calls: number): Promise<Map<string, number>> {
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
