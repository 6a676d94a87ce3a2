/**
 * How a replica judges the others' leases when its own renewals do not come
 * every third of a lease: a loaded event loop, a slow or frozen Redis. Real
 * redis-server, the fixture replica as real processes, a watcher in this one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FixtureReplica, killReplicas } from "./support/fixtureReplica.js";
import { RedisServer, SKIP_REASON } from "./support/redisServer.js";
import { closeAll, logSink, makeStore } from "./support/stores.js";
import { closeWatchers, watcher } from "./support/watcher.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

describe.skipIf(SKIP_REASON !== undefined)("judging leases under load", () => {
  let redis: RedisServer | undefined;
  const url = (): string => redis?.url ?? "redis://127.0.0.1:1";
  let prefixes = 0;
  const prefix = (): string => `load-${process.pid}-${++prefixes}:`;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    redis?.thaw();
    await killReplicas();
    await closeWatchers();
    await closeAll();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("a replica whose every other renewal comes late (0.6 and 0.07 of a lease apart, not a third) still judges a killed replica", async () => {
    const keys = prefix();
    const leaseMs = 600;
    let late = false;
    const gaps: number[] = [];
    let renewedAt = 0;
    await watcher({ url: url(), prefix: keys, replicaId: "W", leaseMs }, async (command) => {
      if (command[0] !== "SET" || command[1] !== `${keys}lease:W`) return;
      late = !late;
      if (late) await sleep(leaseMs * 0.27);
      if (renewedAt > 0) gaps.push(Date.now() - renewedAt);
      renewedAt = Date.now();
    });
    const observer = makeStore(url(), { prefix: keys, replicaId: "observer", leaseMs: 600_000 });
    // The only judge: the fixture replica judges the others too.
    const dead = await FixtureReplica.start({ url: url(), prefix: keys, replicaId: "dead", leaseMs });
    await dead.replica.kill();
    const killedAt = Date.now();
    const [deadTask] = dead.tasks;
    await until(async () => (await observer.get("principal", deadTask ?? ""))?.status === "failed", "the killed replica's task to be failed", 20_000);
    const judgedAfterMs = Date.now() - killedAt;
    expect((await observer.get("principal", deadTask ?? ""))?.error).toContain('Replica "dead" stopped renewing its lease');
    // The lateness was there: many renewals more than half a lease apart.
    expect(gaps.filter((gap) => gap > leaseMs / 2).length).toBeGreaterThanOrEqual(3);
    process.stderr.write(`[judge under load] lease ${leaseMs} ms, renewals ${gaps.slice(0, 6).join(", ")}… ms apart: judged ${judgedAfterMs} ms after the kill\n`);
  }, 60_000);

  it("Redis frozen for most of a lease, again and again: every replica renews after each thaw, and nothing that runs is failed", async () => {
    const keys = prefix();
    const leaseMs = 600;
    const log = logSink();
    const watching = makeStore(url(), { prefix: keys, replicaId: "W", leaseMs, logger: log.logger });
    await watching.ready();
    const { tasks } = await FixtureReplica.start({ url: url(), prefix: keys, replicaId: "alive", leaseMs, tasks: 2 });
    // Past the watcher's first lease: from here on it judges.
    await sleep(leaseMs * 1.5);
    for (let round = 0; round < 5; round++) {
      redis?.freeze();
      await sleep(leaseMs * 0.8);
      redis?.thaw();
      await sleep(leaseMs * 0.6);
    }
    await sleep(leaseMs * 2);
    for (const taskId of tasks) expect((await watching.get("principal", taskId))?.status).toBe("working");
    expect(log.lines.filter((line) => line.message.includes("stopped renewing"))).toEqual([]);
  }, 60_000);
});
