import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TaskEvent } from "mcpc/engine";
import { RedisServer, SKIP_REASON } from "./support/redisServer.js";
import { closeAll, makeStore, rawClient, record } from "./support/stores.js";

describe.skipIf(SKIP_REASON !== undefined)("RedisTaskStore against a real redis-server", () => {
  let redis: RedisServer | undefined;
  const url = (): string => redis?.url ?? "redis://127.0.0.1:1";

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(closeAll);
  afterAll(async () => {
    await redis?.stop();
  });

  it("creates a record once per (owner, task id), keeps the first on a duplicate, and never answers for another owner", async () => {
    const store = makeStore(url());
    await store.ready();
    expect(await store.create(record("alice", "t1"))).toBe(true);
    expect(await store.create(record("alice", "t1", { tool_name: "other" }))).toBe(false);
    expect(await store.create(record("bob", "t1"))).toBe(true);
    expect((await store.get("alice", "t1"))?.tool_name).toBe("tool");
    expect(await store.get("carol", "t1")).toBeUndefined();
    expect(await store.list("carol")).toEqual([]);
    expect(await store.delete("carol", "t1")).toBe(false);
    expect(await store.events("carol", "t1", 0)).toBeUndefined();
    expect((await store.get("alice", "t1"))?.owner).toBe("alice");
  });

  it("lists an owner's records oldest first, ties by id, and deletes them with their log", async () => {
    const store = makeStore(url());
    const base = Date.now();
    await store.create(record("alice", "c", { created_at: base + 2 }));
    await store.create(record("alice", "b", { created_at: base + 1 }));
    await store.create(record("alice", "a", { created_at: base + 2 }));
    expect((await store.list("alice")).map((r) => r.task_id)).toEqual(["b", "a", "c"]);
    expect(await store.delete("alice", "a")).toBe(true);
    expect(await store.delete("alice", "a")).toBe(false);
    expect((await store.list("alice")).map((r) => r.task_id)).toEqual(["b", "c"]);
  });

  it("a second store on the same Redis and prefix (another replica) reads what the first wrote", async () => {
    const one = makeStore(url());
    const prefix = `replicas-${Date.now()}:`;
    const a = makeStore(url(), { prefix });
    const b = makeStore(url(), { prefix });
    await one.ready();
    const r = record("alice", "t");
    await a.create(r);
    r.seq = 3;
    r.status = "input_required";
    r.last_update = { step: 2 };
    void a.save(r);
    await a.flush();
    expect(await b.get("alice", "t")).toMatchObject({ owner: "alice", seq: 3, status: "input_required", last_update: { step: 2 } });
    expect((await b.list("alice")).map((x) => x.task_id)).toEqual(["t"]);
    // Another prefix is another server: it sees nothing.
    expect(await one.get("alice", "t")).toBeUndefined();
  });

  it("keeps the owner out of key names and stored JSON (it may be a token)", async () => {
    const store = makeStore(url(), { prefix: "ownerless:" });
    const r = record("Bearer s3cret-token", "t");
    await store.create(r);
    const client = await rawClient(url());
    const keys = (await client.sendCommand(["KEYS", "ownerless:*"])) as string[];
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain("s3cret");
    const taskKey = keys.find((key) => key.startsWith("ownerless:task:"));
    expect(taskKey).toBeDefined();
    const stored = (await client.sendCommand(["GET", taskKey ?? ""])) as string;
    expect(stored).not.toContain("s3cret");
    expect((await store.get("Bearer s3cret-token", "t"))?.owner).toBe("Bearer s3cret-token");
  });

  it("a finished record expires in Redis at its expires_at, and sweep unindexes it once across replicas", async () => {
    const prefix = `sweep-${Date.now()}:`;
    const a = makeStore(url(), { prefix });
    const b = makeStore(url(), { prefix });
    const finished = record("alice", "done");
    const running = record("alice", "running");
    await a.create(finished);
    await a.create(running);
    const now = Date.now();
    Object.assign(finished, { status: "completed", result: 42, seq: 2, finished_at: now, expires_at: now + 800 });
    void a.save(finished);
    await a.flush();
    const client = await rawClient(url());
    const ttl = (await client.sendCommand(["PTTL", `${prefix}task:${(await keyOwner(client, prefix))}:done`])) as number;
    expect(ttl).toBeGreaterThan(0);
    // 800 ms: long enough for the flush on a loaded machine, short enough to wait for.
    expect(ttl).toBeLessThanOrEqual(800);
    expect(await a.sweep(Date.now())).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, now + 850 - Date.now())));
    expect(await b.get("alice", "done")).toBeUndefined();
    const later = Date.now();
    const counts = await Promise.all([a.sweep(later), b.sweep(later)]);
    expect(counts[0] + counts[1]).toBe(1);
    expect(await a.sweep(Date.now())).toBe(0);
    expect((await b.list("alice")).map((r) => r.task_id)).toEqual(["running"]);
    expect((await client.sendCommand(["ZCARD", `${prefix}expiries`])) as number).toBe(0);
  });

  it("logs events on a stream and replays them from any sequence number, on any replica", async () => {
    const prefix = `log-${Date.now()}:`;
    const a = makeStore(url(), { prefix });
    const b = makeStore(url(), { prefix });
    const r = record("alice", "t");
    await a.create(r);
    const sent: TaskEvent[] = [];
    const names = ["created", "update", "update", "update", "complete"] as const;
    for (const [i, name] of names.entries()) {
      r.seq = i + 1;
      const event: TaskEvent = { event: name, seq: r.seq, payload: name === "update" ? { step: i } : name === "complete" ? "ok" : null };
      sent.push(event);
      await a.append(r, event);
    }
    await a.flush();
    expect(await b.events("alice", "t", 0)).toEqual(sent);
    for (let after = 0; after <= 5; after++) expect(await b.events("alice", "t", after)).toEqual(sent.slice(after));
    expect(await b.events("alice", "t", 1, 2)).toEqual(sent.slice(1, 3));
    expect(await b.events("bob", "t", 0)).toBeUndefined();
  });

  it("bounds each log (MAXLEN ~): the oldest events go, the replay says where it starts by its first seq", async () => {
    const store = makeStore(url(), { maxEventsPerTask: 10, flushIntervalMs: 0 });
    const r = record("alice", "long");
    await store.create(r);
    for (let seq = 1; seq <= 1_000; seq++) {
      r.seq = seq;
      await store.append(r, { event: seq === 1 ? "created" : "update", seq, payload: seq });
    }
    await store.flush();
    const events = (await store.events("alice", "long", 0)) ?? [];
    expect(events.length).toBeGreaterThanOrEqual(10);
    // Approximate trimming removes whole nodes of the stream (100 entries by default).
    expect(events.length).toBeLessThanOrEqual(110);
    expect(events.at(-1)?.seq).toBe(1_000);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => 1_001 - events.length + i));
  });

  it("reads its own writes before they reach Redis: the pending record and events", async () => {
    const store = makeStore(url(), { flushIntervalMs: 60_000 });
    const r = record("alice", "t");
    await store.create(r);
    r.seq = 1;
    void store.append(r, { event: "update", seq: 1, payload: "first" });
    expect((await store.get("alice", "t"))?.seq).toBe(1);
    expect(await store.events("alice", "t", 0)).toEqual([{ event: "update", seq: 1, payload: "first" }]);
  });

  it("a new task with the id of a deleted one starts with an empty log", async () => {
    const store = makeStore(url(), { flushIntervalMs: 0 });
    const first = record("alice", "again");
    await store.create(first);
    first.seq = 1;
    await store.append(first, { event: "created", seq: 1, payload: null });
    await store.flush();
    expect(await store.delete("alice", "again")).toBe(true);
    expect(await store.create(record("alice", "again"))).toBe(true);
    expect(await store.events("alice", "again", 0)).toEqual([]);
  });
});

/** The hashed owner id of the only owner under `prefix`. */
async function keyOwner(client: Awaited<ReturnType<typeof rawClient>>, prefix: string): Promise<string> {
  const [index] = (await client.sendCommand(["KEYS", `${prefix}owner:*`])) as string[];
  return (index ?? "").slice(`${prefix}owner:`.length);
}
