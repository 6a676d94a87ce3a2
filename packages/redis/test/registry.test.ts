import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { McpcServer } from "mcpc";
import { TaskRegistry, type TaskEvent, type TaskEngineOptions } from "mcpc/engine";
import { RedisServer, SKIP_REASON } from "./support/redisServer.js";
import { closeAll, makeStore, rawClient } from "./support/stores.js";

const registries: TaskRegistry[] = [];

function replica(options: TaskEngineOptions): TaskRegistry {
  const registry = new TaskRegistry(options);
  registries.push(registry);
  return registry;
}

/** Events a task delivered live, and a promise of its end. */
function tracker() {
  const events: TaskEvent[] = [];
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  return {
    events,
    end,
    onEvent: (event: TaskEvent): void => {
      events.push(event);
      if (event.event !== "created" && event.event !== "update") ended();
    },
  };
}

async function execCalls(client: Awaited<ReturnType<typeof rawClient>>): Promise<number> {
  const info = (await client.sendCommand(["INFO", "commandstats"])) as string;
  return Number(/cmdstat_exec:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

describe.skipIf(SKIP_REASON !== undefined)("TaskRegistry on RedisTaskStore (replicas sharing one Redis)", () => {
  let redis: RedisServer | undefined;
  const url = (): string => redis?.url ?? "redis://127.0.0.1:1";

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((registry) => registry.shutdown("test over", 1_000)));
    await closeAll();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("a task run on one replica is checked, listed and replayed from any sequence number on another: all events, in order, once", async () => {
    const prefix = `replay-${Date.now()}:`;
    const one = replica({ store: makeStore(url(), { prefix }) });
    const two = replica({ store: makeStore(url(), { prefix }) });
    const t = tracker();
    const { task_id } = await one.start({
      owner: "principal-1",
      toolName: "count",
      onEvent: t.onEvent,
      run: async function* () {
        for (let i = 1; i <= 20; i++) yield { progress: i, total: 20 };
        return { counted: 20 };
      },
    });
    await t.end;
    await one.store.flush?.();
    expect(await two.get("principal-1", task_id)).toMatchObject({ status: "completed", result: { counted: 20 }, seq: 22 });
    expect((await two.listPage("principal-1")).tasks.map((task) => task.task_id)).toEqual([task_id]);
    for (let after = 0; after <= 22; after++) expect(await two.events("principal-1", task_id, after)).toEqual(t.events.slice(after));
    expect((await two.listPage("someone-else")).tasks).toEqual([]);
    await expect(two.events("someone-else", task_id)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
  });

  it("a tool that yields 2,000 times in a tight loop costs a few dozen transactions, not one round trip per yield", async () => {
    const store = makeStore(url(), { maxEventsPerTask: 10_000 });
    const registry = replica({ store });
    const client = await rawClient(url());
    await store.ready();
    const before = await execCalls(client);
    const t = tracker();
    const { task_id } = await registry.start({
      owner: "o",
      toolName: "fast",
      onEvent: t.onEvent,
      run: async function* () {
        for (let i = 0; i < 2_000; i++) yield i;
        return "done";
      },
    });
    await t.end;
    await store.flush();
    const transactions = (await execCalls(client)) - before;
    expect(transactions).toBeLessThan(100);
    const replayed = await registry.events("o", task_id);
    expect(replayed).toHaveLength(2_002);
    expect(replayed.map((e) => e.seq)).toEqual(Array.from({ length: 2_002 }, (_, i) => i + 1));
  });

  it("terminal states reach Redis without waiting for the flush interval", async () => {
    const prefix = `terminal-${Date.now()}:`;
    const one = replica({ store: makeStore(url(), { prefix, flushIntervalMs: 60_000 }) });
    const two = replica({ store: makeStore(url(), { prefix }) });
    const t = tracker();
    const { task_id } = await one.start({
      owner: "o",
      toolName: "quick",
      onEvent: t.onEvent,
      run: async function* () {
        yield "only";
        return 7;
      },
    });
    await t.end;
    const deadline = Date.now() + 2_000;
    let status = "";
    while (status !== "completed" && Date.now() < deadline) {
      status = (await two.get("o", task_id)).status;
      if (status !== "completed") await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(status).toBe("completed");
  });

  it("`tasks: { store }` switches a server's engine to Redis", async () => {
    const store = makeStore(url());
    const server = new McpcServer({ name: "redis-backed", version: "1.0.0", tasks: { store } });
    expect(server.runtime.registry.store).toBe(store);
    const t = tracker();
    const { task_id } = await server.runtime.registry.start({
      owner: "o",
      toolName: "x",
      onEvent: t.onEvent,
      // eslint-disable-next-line require-yield -- a task that returns at once is the case here.
      run: async function* () {
        return "ok";
      },
    });
    await t.end;
    await server.close();
    expect((await store.get("o", task_id))?.status).toBe("completed");
  });
});
