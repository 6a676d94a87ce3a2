import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TaskRegistry, type TaskEvent, type TaskEngineOptions } from "mcpc/engine";
import { RedisStoreError, redisStore } from "../src/index.js";
import { SAVE_RECORD } from "../src/scripts.js";
import { RedisServer, SKIP_REASON, freePort } from "./support/redisServer.js";
import { closeAll, logSink, makeStore, rawClient } from "./support/stores.js";

const registries: TaskRegistry[] = [];

function replica(options: TaskEngineOptions): TaskRegistry {
  const registry = new TaskRegistry(options);
  registries.push(registry);
  return registry;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A task that yields one update per turn of the event loop until told to stop, counting its yields. */
function steadyTask(counter: { yields: number; stop: boolean }) {
  return async function* () {
    while (!counter.stop) {
      counter.yields++;
      yield counter.yields;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { yields: counter.yields };
  };
}

describe("RedisTaskStore when Redis cannot be reached at start", () => {
  afterEach(closeAll);

  it("ready() fails with REDIS_UNREACHABLE naming the URL (without its password) within connectTimeoutMs", async () => {
    const port = await freePort();
    const store = redisStore({ url: `redis://:hunter2@127.0.0.1:${port}`, connectTimeoutMs: 300, logger: () => undefined });
    const started = Date.now();
    const error = await store.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedisStoreError);
    expect((error as RedisStoreError).code).toBe("REDIS_UNREACHABLE");
    expect((error as Error).message).toContain(`redis://127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain("hunter2");
    expect(Date.now() - started).toBeLessThan(3_000);
    await store.close();
  });

  it("a task started anyway is refused with the same error, and nothing rejects unhandled", async () => {
    const store = redisStore({ url: `redis://127.0.0.1:${await freePort()}`, connectTimeoutMs: 200, logger: () => undefined });
    const registry = replica({ store });
    await expect(
      registry.start({
        owner: "o",
        toolName: "never",
        onEvent: () => undefined,
        // eslint-disable-next-line require-yield -- never runs.
        run: async function* () {
          return 1;
        },
      }),
    ).rejects.toMatchObject({ code: "REDIS_UNREACHABLE" });
    await registry.shutdown("test over", 100);
    registries.length = 0;
    await store.close();
  });

  it("a malformed URL or option is refused at once, without echoing the URL", () => {
    expect(() => redisStore({ url: "not a url :secret@" })).toThrow(/not a URL/);
    expect(() => redisStore({ url: "not a url :secret@" })).not.toThrow(/secret/);
    expect(() => redisStore({ url: "http://127.0.0.1:6379" })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => redisStore({ url: "redis://127.0.0.1:6379", maxPendingEvents: 0 })).toThrow(/maxPendingEvents/);
  });
});

describe.skipIf(SKIP_REASON !== undefined)("RedisTaskStore when Redis goes away mid-run", () => {
  let redis: RedisServer | undefined;
  const url = (): string => redis?.url ?? "redis://127.0.0.1:1";

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    redis?.thaw();
    await redis?.restart();
    await Promise.all(registries.splice(0).map((registry) => registry.shutdown("test over", 1_000)));
    await closeAll();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("a hung Redis holds the yielding tool at the backlog bound; once it answers, every event is in its log once, in order", async () => {
    const prefix = `hung-${Date.now()}:`;
    const store = makeStore(url(), { prefix, commandTimeoutMs: 200, maxPendingEvents: 50, maxEventsPerTask: 100_000 });
    const reader = makeStore(url(), { prefix });
    await Promise.all([store.ready(), reader.ready()]);
    const registry = replica({ store });
    const counter = { yields: 0, stop: false };
    const live: TaskEvent[] = [];
    const { task_id } = await registry.start({ owner: "o", toolName: "steady", onEvent: (e) => void live.push(e), run: steadyTask(counter) });
    await until(() => counter.yields > 20, "the first yields");
    redis?.freeze();
    // Yields continue until the backlog is full, then the tool waits at its yield.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const whileHung = counter.yields;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(counter.yields).toBe(whileHung);
    redis?.thaw();
    await until(() => counter.yields > whileHung + 20, "yields to go on");
    counter.stop = true;
    await registry.whenEnded("o", task_id);
    await store.flush();
    const logged = (await reader.events("o", task_id, 0)) ?? [];
    expect(logged.map((e) => e.seq)).toEqual(live.map((e) => e.seq));
    expect(logged).toEqual(live);
    expect((await reader.get("o", task_id))?.status).toBe("completed");
  });

  it("Redis stopped and restarted: the task ends, its terminal state is in Redis, and the outage is logged once each way", async () => {
    const prefix = `restart-${Date.now()}:`;
    const log = logSink();
    const store = makeStore(url(), { prefix, logger: log.logger, maxPendingEvents: 50 });
    const reader = makeStore(url(), { prefix });
    await store.ready();
    const registry = replica({ store });
    const counter = { yields: 0, stop: false };
    const { task_id } = await registry.start({ owner: "o", toolName: "steady", onEvent: () => undefined, run: steadyTask(counter) });
    await until(() => counter.yields > 20, "the first yields");
    await redis?.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const whileDown = counter.yields;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(counter.yields).toBe(whileDown);
    await redis?.restart();
    await until(() => counter.yields > whileDown + 20, "yields to go on after the restart");
    counter.stop = true;
    await registry.whenEnded("o", task_id);
    await store.flush();
    // The restarted server kept nothing (no persistence in the test); what came after the restart is there.
    expect((await reader.get("o", task_id))?.status).toBe("completed");
    const lost = log.lines.filter((line) => line.message.includes("lost the connection"));
    const back = log.lines.filter((line) => line.level === "info" && line.message.includes("is back"));
    expect(lost).toHaveLength(1);
    expect(lost[0]?.message).toContain(url());
    expect(back).toHaveLength(1);
  });

  it("a Redis out of memory refuses the batches: logged once, retried, and nothing is lost once it has room again", async () => {
    const prefix = `oom-${Date.now()}:`;
    const log = logSink();
    const store = makeStore(url(), { prefix, logger: log.logger, maxPendingEvents: 50, maxEventsPerTask: 100_000 });
    const reader = makeStore(url(), { prefix });
    const client = await rawClient(url());
    await Promise.all([store.ready(), reader.ready()]);
    const registry = replica({ store });
    const counter = { yields: 0, stop: false };
    const live: TaskEvent[] = [];
    const { task_id } = await registry.start({ owner: "o", toolName: "steady", onEvent: (e) => void live.push(e), run: steadyTask(counter) });
    await until(() => counter.yields > 20, "the first yields");
    try {
      await client.sendCommand(["CONFIG", "SET", "maxmemory", "1"]);
      await until(() => log.lines.some((line) => line.message.includes("refused")), "the refusal to be logged");
      const whileFull = counter.yields;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(counter.yields).toBeLessThan(whileFull + 60);
    } finally {
      await client.sendCommand(["CONFIG", "SET", "maxmemory", "0"]);
    }
    counter.stop = true;
    await registry.whenEnded("o", task_id);
    await store.flush();
    expect(await reader.events("o", task_id, 0)).toEqual(live);
    expect(log.lines.filter((line) => line.message.includes("refused"))).toHaveLength(1);
    expect(log.lines[0]?.message).toMatch(/OOM.*held and retried/);
  });

  it("Redis forgets the store's scripts (SCRIPT FLUSH): the next batch loads them again and nothing is lost", async () => {
    const prefix = `noscript-${Date.now()}:`;
    const store = makeStore(url(), { prefix, maxEventsPerTask: 100_000 });
    const reader = makeStore(url(), { prefix });
    const client = await rawClient(url());
    await Promise.all([store.ready(), reader.ready()]);
    const registry = replica({ store });
    const counter = { yields: 0, stop: false };
    const live: TaskEvent[] = [];
    const { task_id } = await registry.start({ owner: "o", toolName: "steady", onEvent: (e) => void live.push(e), run: steadyTask(counter) });
    await until(() => counter.yields > 20, "the first yields");
    await client.sendCommand(["SCRIPT", "FLUSH"]);
    const flushedAt = counter.yields;
    await until(() => counter.yields > flushedAt + 50, "yields to go on");
    counter.stop = true;
    await registry.whenEnded("o", task_id);
    await store.flush();
    expect(await reader.events("o", task_id, 0)).toEqual(live);
    expect((await reader.get("o", task_id))?.status).toBe("completed");
    expect(await client.sendCommand(["SCRIPT", "EXISTS", SAVE_RECORD.sha])).toEqual([1]);
  });

  it("reads while Redis is away fail after commandTimeoutMs instead of hanging", async () => {
    const store = makeStore(url(), { commandTimeoutMs: 200 });
    await store.ready();
    redis?.freeze();
    const started = Date.now();
    await expect(store.get("o", "t")).rejects.toMatchObject({ code: "REDIS_TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(2_000);
    redis?.thaw();
  });
});
