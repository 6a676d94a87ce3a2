import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TaskRegistry, type TaskEvent } from "mcpc/engine";
import { RedisServer, SKIP_REASON } from "./support/redisServer.js";
import { closeAll, logSink, makeStore, rawClient } from "./support/stores.js";

const fixture = fileURLToPath(new URL("./fixtures/replica.ts", import.meta.url));
const children: ChildProcess[] = [];
const registries: TaskRegistry[] = [];

/** Starts the fixture replica as its own process; resolves with the ids of its running tasks. */
async function startReplica(url: string, prefix: string, replicaId: string, leaseMs: number, tasks: number): Promise<{ child: ChildProcess; tasks: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, url, prefix, replicaId, String(leaseMs), String(tasks)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const end = output.indexOf("\n");
      if (end >= 0) resolve(output.slice(0, end));
    });
    child.once("exit", (code) => reject(new Error(`replica exited (${String(code)}) before it was ready:\n${errors}`)));
  });
  return { child, tasks: (JSON.parse(line) as { tasks: string[] }).tasks };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const terminal = (events: TaskEvent[]): TaskEvent[] => events.filter((e) => e.event === "complete" || e.event === "failed" || e.event === "cancelled");

describe.skipIf(SKIP_REASON !== undefined)("replica leases", () => {
  let redis: RedisServer | undefined;
  const url = (): string => redis?.url ?? "redis://127.0.0.1:1";

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    redis?.thaw();
    await Promise.all(children.splice(0).map(killed));
    await Promise.all(registries.splice(0).map((registry) => registry.shutdown("test over", 1_000)));
    await closeAll();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("kill -9 a replica mid-task: within about two leases another reports its tasks failed, naming it, with exactly one terminal event; a second check changes nothing", async () => {
    const prefix = `lease-${Date.now()}:`;
    const leaseMs = 400;
    const { child, tasks } = await startReplica(url(), prefix, "replica-one", leaseMs, 3);
    const log = logSink();
    // Two survivors watch at once: each task is failed by one of them, once.
    const two = makeStore(url(), { prefix, replicaId: "replica-two", leaseMs, logger: log.logger });
    const three = makeStore(url(), { prefix, replicaId: "replica-three", leaseMs });
    await Promise.all([two.ready(), three.ready()]);
    for (const id of tasks) expect((await two.get("principal", id))?.status).toBe("working");
    await killed(child);
    const killedAt = Date.now();
    await until(async () => {
      const states = await Promise.all(tasks.map((id) => two.get("principal", id)));
      return states.every((record) => record?.status === "failed");
    }, "the tasks to be failed");
    // The lease lapses at most leaseMs after the kill; a survivor judges it at its third look, a third of a lease apart.
    expect(Date.now() - killedAt).toBeLessThan(leaseMs * 3);
    for (const id of tasks) {
      const record = await three.get("principal", id);
      expect(record?.error).toContain('Replica "replica-one" stopped renewing its lease');
      expect(record?.finished_at).toBeDefined();
      const events = (await three.events("principal", id, 0)) ?? [];
      expect(events.map((e) => e.event)).toEqual(["created", "update", "failed"]);
      expect(terminal(events)).toHaveLength(1);
      expect(events.at(-1)?.seq).toBe(record?.seq);
    }
    expect(await two.checkReplicas()).toBe(0);
    expect(await three.checkReplicas()).toBe(0);
    const client = await rawClient(url());
    expect(await client.sendCommand(["SMEMBERS", `${prefix}replicas`])).not.toContain("replica-one");
    expect(log.lines.filter((line) => line.message.includes("replica-one")).length).toBeLessThanOrEqual(1);
  });

  it("a replica restarted under the same id fails the tasks of its previous run at once, instead of keeping them working", async () => {
    const prefix = `restart-${Date.now()}:`;
    const { child, tasks } = await startReplica(url(), prefix, "web-1", 60_000, 2);
    await killed(child);
    const log = logSink();
    const again = makeStore(url(), { prefix, replicaId: "web-1", leaseMs: 60_000, logger: log.logger });
    await again.ready();
    for (const id of tasks) {
      const record = await again.get("principal", id);
      expect(record?.status).toBe("failed");
      expect(record?.error).toContain('Replica "web-1" restarted');
      expect(terminal((await again.events("principal", id, 0)) ?? [])).toHaveLength(1);
    }
    expect(log.lines.map((line) => line.message)).toEqual(['replica "web-1" restarted: 2 task(s) of its previous run marked failed.']);
  });

  it("Redis stalled for longer than the lease: when it answers again, no live replica's task is failed", async () => {
    const prefix = `stall-${Date.now()}:`;
    const leaseMs = 300;
    const one = makeStore(url(), { prefix, replicaId: "stall-one", leaseMs });
    const two = makeStore(url(), { prefix, replicaId: "stall-two", leaseMs });
    await Promise.all([one.ready(), two.ready()]);
    const registry = new TaskRegistry({ store: one });
    registries.push(registry);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { task_id } = await registry.start({
      owner: "p",
      toolName: "slow",
      onEvent: () => undefined,
      run: async function* () {
        yield "working";
        await held;
        return "done";
      },
    });
    // Both replicas past their first lease, so they judge each other.
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 1.5));
    redis?.freeze();
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 2));
    redis?.thaw();
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 3));
    expect((await two.get("p", task_id))?.status).toBe("working");
    release();
    await registry.whenEnded("p", task_id);
    await one.flush();
    expect((await two.get("p", task_id))?.status).toBe("completed");
  });

  it("Redis (with AOF) down for longer than the lease: once both replicas are back, nobody's running task is failed", async () => {
    const durable = await RedisServer.start({ appendOnly: true });
    try {
      const prefix = `aof-${Date.now()}:`;
      const leaseMs = 2_500;
      const one = makeStore(durable.url, { prefix, replicaId: "aof-one", leaseMs });
      const two = makeStore(durable.url, { prefix, replicaId: "aof-two", leaseMs });
      await Promise.all([one.ready(), two.ready()]);
      const registry = new TaskRegistry({ store: one });
      registries.push(registry);
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      const { task_id } = await registry.start({
        owner: "p",
        toolName: "slow",
        onEvent: () => undefined,
        run: async function* () {
          yield "working";
          await held;
          return "done";
        },
      });
      await one.flush();
      await durable.pause();
      // Longer than the lease: every lease has run out when Redis comes back.
      await new Promise((resolve) => setTimeout(resolve, leaseMs + 500));
      await durable.restart();
      await new Promise((resolve) => setTimeout(resolve, leaseMs * 1.5));
      expect((await two.get("p", task_id))?.status).toBe("working");
      release();
      await registry.whenEnded("p", task_id);
      await one.flush();
      expect((await two.get("p", task_id))?.status).toBe("completed");
    } finally {
      await Promise.all(registries.splice(0).map((registry) => registry.shutdown("test over", 1_000)));
      await closeAll();
      await durable.stop();
    }
  }, 30_000);

  it("a replica that shuts down cleanly gives its lease up and is forgotten; nothing of its is failed", async () => {
    const prefix = `clean-${Date.now()}:`;
    const one = makeStore(url(), { prefix, replicaId: "clean-one", leaseMs: 300 });
    const two = makeStore(url(), { prefix, replicaId: "clean-two", leaseMs: 300 });
    const registry = new TaskRegistry({ store: one });
    const events: TaskEvent[] = [];
    const { task_id } = await registry.start({
      owner: "p",
      toolName: "quick",
      onEvent: (e) => void events.push(e),
      run: async function* () {
        yield 1;
        return 2;
      },
    });
    await registry.whenEnded("p", task_id);
    await registry.shutdown("done", 1_000);
    await one.close();
    const client = await rawClient(url());
    expect(await client.sendCommand(["SMEMBERS", `${prefix}replicas`])).not.toContain("clean-one");
    expect(await two.checkReplicas()).toBe(0);
    expect((await two.get("p", task_id))?.status).toBe("completed");
  });

  it("a replica whose lease lapsed while it still runs cannot undo the failure: its later state and terminal event are refused", async () => {
    const prefix = `zombie-${Date.now()}:`;
    const one = makeStore(url(), { prefix, replicaId: "zombie", leaseMs: 60_000, flushIntervalMs: 0 });
    const two = makeStore(url(), { prefix, replicaId: "survivor", leaseMs: 60_000 });
    await Promise.all([one.ready(), two.ready()]);
    const registry = new TaskRegistry({ store: one });
    registries.push(registry);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { task_id } = await registry.start({
      owner: "p",
      toolName: "slow",
      onEvent: () => undefined,
      run: async function* () {
        yield "before";
        await held;
        yield "after";
        return "finished anyway";
      },
    });
    await until(async () => ((await two.events("p", task_id, 0)) ?? []).length === 2, "the first update in Redis");
    // As if the zombie had lost Redis for longer than its lease.
    const client = await rawClient(url());
    await client.sendCommand(["DEL", `${prefix}lease:zombie`]);
    expect(await two.checkReplicas()).toBe(1);
    release();
    await registry.whenEnded("p", task_id);
    await one.flush();
    const record = await two.get("p", task_id);
    expect(record?.status).toBe("failed");
    const events = (await two.events("p", task_id, 0)) ?? [];
    expect(terminal(events).map((e) => e.event)).toEqual(["failed"]);
  });
});
