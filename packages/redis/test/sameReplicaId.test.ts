/**
 * A replica that comes back under the same `replicaId` after a `kill -9`, and
 * dies again: another replica must judge each of its runs, once. Real
 * redis-server, the fixture replica as real processes, a watcher in this one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TaskEvent, TaskRecord } from "mcpc/engine";
import type { RedisTaskStore } from "../src/index.js";
import { FixtureReplica, killReplicas } from "./support/fixtureReplica.js";
import { RedisServer, SKIP_REASON } from "./support/redisServer.js";
import { closeAll, logSink, makeStore, rawClient, record } from "./support/stores.js";
import { closeWatchers, watcher } from "./support/watcher.js";

/** Generous: CI runs this on two loaded cores. A replica judges within about two leases of the kill. */
const JUDGED_WITHIN_MS = 20_000;
/** For a store that only reads: it judges nobody within a test. */
const NEVER_MS = 600_000;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = JUDGED_WITHIN_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const terminal = (events: TaskEvent[]): TaskEvent[] => events.filter((e) => e.event === "complete" || e.event === "failed" || e.event === "cancelled");

/** Waits (bounded) until the task has failed, and checks that its log holds exactly one terminal event, the failure. */
async function failedOnce(store: RedisTaskStore, taskId: string): Promise<TaskRecord> {
  await until(async () => (await store.get("principal", taskId))?.status === "failed", `task ${taskId} to be failed`);
  const failed = await store.get("principal", taskId);
  const events = (await store.events("principal", taskId, 0)) ?? [];
  expect(terminal(events)).toEqual([expect.objectContaining({ event: "failed", seq: failed?.seq })]);
  expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
  if (!failed) throw new Error(`task ${taskId} is gone`);
  return failed;
}

function only<T>(values: readonly T[]): T {
  expect(values).toHaveLength(1);
  return values[0] as T;
}

describe.skipIf(SKIP_REASON !== undefined)("a replica restarted under the same id, then killed again", () => {
  let redis: RedisServer | undefined;
  const url = (): string => redis?.url ?? "redis://127.0.0.1:1";
  let prefixes = 0;
  const prefix = (): string => `same-id-${process.pid}-${++prefixes}:`;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await killReplicas();
    await closeWatchers();
    await closeAll();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("killed, judged, restarted under the same id and killed again, three times: the watcher fails each run's task once, naming the replica, and forgets it", async () => {
    const keys = prefix();
    const leaseMs = 800;
    const log = logSink();
    const watching = makeStore(url(), { prefix: keys, replicaId: "W", leaseMs, logger: log.logger });
    const observer = makeStore(url(), { prefix: keys, replicaId: "observer", leaseMs: NEVER_MS });
    await Promise.all([watching.ready(), observer.ready()]);
    const client = await rawClient(url());
    const replicas = async (): Promise<string[]> => (await client.sendCommand(["SMEMBERS", `${keys}replicas`])) as string[];
    const tasks: string[] = [];
    const judgedAfterMs: number[] = [];
    for (let run = 1; run <= 3; run++) {
      const { replica, tasks: started } = await FixtureReplica.start({ url: url(), prefix: keys, replicaId: "X", leaseMs });
      const taskId = only(started);
      tasks.push(taskId);
      expect((await observer.get("principal", taskId))?.status).toBe("working");
      expect(await replicas()).toContain("X");
      await replica.kill();
      const killedAt = Date.now();
      const failed = await failedOnce(observer, taskId);
      judgedAfterMs.push(Date.now() - killedAt);
      expect(failed.error).toContain('Replica "X" stopped renewing its lease');
      await until(async () => !(await replicas()).includes("X"), "X to be forgotten");
    }
    // Each restart found nothing left to fail: the earlier runs' tasks are as the watcher left them.
    for (const taskId of tasks) expect((await failedOnce(observer, taskId)).error).toContain("stopped renewing its lease");
    expect(await watching.checkReplicas()).toBe(0);
    expect(log.lines.map((line) => line.message)).toEqual(Array(3).fill('replica "X" stopped renewing its lease: 1 of its running task(s) marked failed.'));
    process.stderr.write(`[same replica id] lease ${leaseMs} ms: each run judged ${judgedAfterMs.join(", ")} ms after its kill\n`);
  }, 90_000);

  it("restarted within its lease (before anyone could judge it), twice, then killed: each restart fails the task of the run before it, the watcher the last one's, each once", async () => {
    const keys = prefix();
    // Long enough for a gated replica to connect while the killed one's lease still runs, even on a loaded machine.
    const leaseMs = 2_000;
    const log = logSink();
    const watching = makeStore(url(), { prefix: keys, replicaId: "W", leaseMs, logger: log.logger });
    const observer = makeStore(url(), { prefix: keys, replicaId: "observer", leaseMs: NEVER_MS });
    await Promise.all([watching.ready(), observer.ready()]);
    const options = { url: url(), prefix: keys, replicaId: "X", leaseMs };
    const first = await FixtureReplica.start(options);
    let replica = first.replica;
    let taskId = only(first.tasks);
    const restartedAfterMs: number[] = [];
    for (let restart = 1; restart <= 2; restart++) {
      const next = await FixtureReplica.loaded(options);
      await replica.kill();
      const killedAt = Date.now();
      const nextTask = only(await next.open());
      restartedAfterMs.push(Date.now() - killedAt);
      // Failed by the restart itself, at once: the killed run's lease had not lapsed, so nobody else could judge it.
      expect((await failedOnce(observer, taskId)).error).toContain('Replica "X" restarted while the task ran');
      expect((await observer.get("principal", nextTask))?.status).toBe("working");
      [replica, taskId] = [next, nextTask];
    }
    await replica.kill();
    const killedAt = Date.now();
    expect((await failedOnce(observer, taskId)).error).toContain('Replica "X" stopped renewing its lease');
    const judgedAfterMs = Date.now() - killedAt;
    expect(await watching.checkReplicas()).toBe(0);
    expect(log.lines.map((line) => line.message)).toEqual(['replica "X" stopped renewing its lease: 1 of its running task(s) marked failed.']);
    process.stderr.write(
      `[same replica id] lease ${leaseMs} ms: restarted (tasks in Redis) ${restartedAfterMs.join(", ")} ms after each kill; the last run judged ${judgedAfterMs} ms after its kill\n`,
    );
  }, 90_000);

  it("a watcher that read the lapsed lease just before the replica came back under the same id does not fail the new run's task", async () => {
    const keys = prefix();
    const client = await rawClient(url());
    let comeBack = false;
    const lease = await watcher({ url: url(), prefix: keys, replicaId: "W", leaseMs: NEVER_MS }, async (command) => {
      if (!comeBack || command[0] !== "MGET") return;
      comeBack = false;
      // Between the watcher's read of the leases and its read of X's running set (a slow event loop makes
      // that gap as long as it likes): X is back under its id, has taken its lease, and runs a new task.
      const again = makeStore(url(), { prefix: keys, replicaId: "X", leaseMs: NEVER_MS });
      await again.ready();
      expect(await again.create(record("principal", "second-run"))).toBe(true);
    });
    const observer = makeStore(url(), { prefix: keys, replicaId: "observer", leaseMs: NEVER_MS });
    const { replica, tasks } = await FixtureReplica.start({ url: url(), prefix: keys, replicaId: "X", leaseMs: NEVER_MS });
    await replica.kill();
    // As if its lease had run out.
    await client.sendCommand(["DEL", `${keys}lease:X`]);
    comeBack = true;
    expect(await lease.checkOthers()).toBe(0);
    expect(comeBack).toBe(false);
    expect((await observer.get("principal", "second-run"))?.status).toBe("working");
    expect((await failedOnce(observer, only(tasks))).error).toContain('Replica "X" restarted while the task ran');
    expect(await client.sendCommand(["SMEMBERS", `${keys}replicas`])).toContain("X");
  });
});
