import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { McpcError, TaskRegistry, type TaskEvent, type TaskEngineOptions, type TaskRunControls } from "mcpc/engine";
import { RedisServer, SKIP_REASON } from "./support/redisServer.js";
import { closeAll, makeStore, rawClient } from "./support/stores.js";

const fixture = fileURLToPath(new URL("./fixtures/replica.ts", import.meta.url));
const registries: TaskRegistry[] = [];
const children: ChildProcess[] = [];

function replica(options: TaskEngineOptions): TaskRegistry {
  const registry = new TaskRegistry(options);
  registries.push(registry);
  return registry;
}

/** Events a task delivered live, and a promise of its end. */
function tracker() {
  const events: TaskEvent[] = [];
  let ended: () => void = () => undefined;
  let updated: () => void = () => undefined;
  const end = new Promise<void>((resolve) => (ended = resolve));
  const firstUpdate = new Promise<void>((resolve) => (updated = resolve));
  return {
    events,
    end,
    firstUpdate,
    terminals: () => events.filter((e) => e.event === "complete" || e.event === "failed" || e.event === "cancelled"),
    onEvent: (event: TaskEvent): void => {
      events.push(event);
      if (event.event === "update") updated();
      if (event.event !== "created" && event.event !== "update") ended();
    },
  };
}

/** A task that yields once, then waits for its stop; counts its finally blocks. */
function untilStopped(counter: { finallyRan: number }) {
  return async function* (controls: TaskRunControls) {
    try {
      yield { step: 1 };
      await new Promise((resolve) => controls.signal.addEventListener("abort", resolve, { once: true }));
    } finally {
      counter.finallyRan++;
    }
  };
}

/** Starts the fixture replica as its own process; resolves with the ids of its running tasks. */
async function startReplica(url: string, prefix: string, replicaId: string, leaseMs: number): Promise<{ child: ChildProcess; tasks: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, url, prefix, replicaId, String(leaseMs), "1"], { stdio: ["ignore", "pipe", "pipe"] });
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
    child.kill("SIGCONT");
    child.kill("SIGKILL");
  });
}

describe.skipIf(SKIP_REASON !== undefined)("the control channel (replicas reaching each other's tasks through Redis)", () => {
  let redis: RedisServer | undefined;
  const url = (): string => redis?.url ?? "redis://127.0.0.1:1";

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(killed));
    await Promise.all(registries.splice(0).map((registry) => registry.shutdown("test over", 1_000)));
    await closeAll();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function twoReplicas(options: TaskEngineOptions = {}) {
    const prefix = `control-${Date.now()}-${Math.random()}:`;
    const storeOne = makeStore(url(), { prefix, replicaId: "one" });
    const storeTwo = makeStore(url(), { prefix, replicaId: "two" });
    await Promise.all([storeOne.ready(), storeTwo.ready()]);
    return { prefix, storeOne, storeTwo, one: replica({ ...options, store: storeOne }), two: replica({ ...options, store: storeTwo }) };
  }

  it("a stop reaching a replica that does not run the task acts on the one that does: its finally runs there, exactly one cancelled", async () => {
    const { one, two, storeTwo } = await twoReplicas();
    const counter = { finallyRan: 0 };
    const t = tracker();
    const { task_id } = await one.start({ owner: "principal", toolName: "wait", onEvent: t.onEvent, run: untilStopped(counter) });
    await t.firstUpdate;
    const outcome = await two.stop("principal", task_id, "Stopped through replica two");
    expect(outcome.stopped).toBe(true);
    expect(outcome.task).toMatchObject({ task_id, status: "cancelled", error: "Stopped through replica two" });
    expect(counter.finallyRan).toBe(1);
    expect(t.terminals().map((e) => e.event)).toEqual(["cancelled"]);
    await one.store.flush?.();
    const logged = (await storeTwo.events("principal", task_id, 0)) ?? [];
    expect(logged.filter((e) => e.event === "cancelled")).toHaveLength(1);
    expect((await two.get("principal", task_id)).status).toBe("cancelled");
    // Again, through either replica: nothing changes.
    expect((await two.stop("principal", task_id)).stopped).toBe(false);
    expect((await one.stop("principal", task_id)).stopped).toBe(false);
    expect(counter.finallyRan).toBe(1);
  });

  it("a stop of another owner's task is UNKNOWN_TASK, and the task runs on", async () => {
    const { one, two } = await twoReplicas();
    const counter = { finallyRan: 0 };
    const t = tracker();
    const { task_id } = await one.start({ owner: "principal", toolName: "wait", onEvent: t.onEvent, run: untilStopped(counter) });
    await t.firstUpdate;
    await expect(two.stop("intruder", task_id)).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    expect(one.runsHere("principal", task_id)).toBe(true);
    expect(counter.finallyRan).toBe(0);
  });

  it("whenEnded() on a replica that does not run the task resolves once it ends on the other, and not before", async () => {
    const { one, two } = await twoReplicas();
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const t = tracker();
    const { task_id } = await one.start({
      owner: "principal",
      toolName: "slow",
      onEvent: t.onEvent,
      run: async function* () {
        yield 1;
        await finished;
        return "done";
      },
    });
    await t.firstUpdate;
    let ended = false;
    const waiting = two.whenEnded("principal", task_id).then(() => (ended = true));
    const controller = new AbortController();
    const abandoned = two.whenEnded("principal", task_id, controller.signal);
    controller.abort(new Error("the client went away"));
    await expect(abandoned).rejects.toThrow("the client went away");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false);
    finish();
    await waiting;
    expect((await two.get("principal", task_id)).status).toBe("completed");
    // Ended, or unknown: at once.
    await two.whenEnded("principal", task_id);
    await two.whenEnded("principal", "no-such-task");
  });

  it("task input sent through a replica that does not run the task is handed to the one that does; its refusal comes back as it is", async () => {
    const { one, storeTwo } = await twoReplicas();
    const received: unknown[] = [];
    // What the server's inboxes install (tested with them in mcpc); here, the channel alone.
    one.remote.sendHere = async (owner, taskId, message) => {
      if (typeof message !== "string") throw new McpcError("INVALID_MESSAGE", `task "${taskId}" of ${owner.length}-char owner takes strings`);
      received.push(message);
      return { answered: false, queued: received.length };
    };
    const counter = { finallyRan: 0 };
    const t = tracker();
    const { task_id } = await one.start({ owner: "principal", toolName: "chat", onEvent: t.onEvent, run: untilStopped(counter) });
    await t.firstUpdate;
    expect(await storeTwo.control.forward("principal", task_id, { kind: "send", message: "hello" }, 2_000)).toEqual({ answered: false, queued: 1 });
    await expect(storeTwo.control.forward("principal", task_id, { kind: "send", message: 7 }, 2_000)).rejects.toMatchObject({
      code: "INVALID_MESSAGE",
      message: `task "${task_id}" of 9-char owner takes strings`,
    });
    expect(received).toEqual(["hello"]);
    // Not running anywhere: undefined, not an error.
    expect(await storeTwo.control.forward("principal", "no-such-task", { kind: "send", message: "x" }, 2_000)).toBeUndefined();
  });

  it("a stop for a replica killed with -9 waits for its lease to lapse, then answers the task failed, naming it, with one terminal event", async () => {
    const prefix = `control-kill-${Date.now()}:`;
    const leaseMs = 400;
    const { child, tasks } = await startReplica(url(), prefix, "doomed", leaseMs);
    const [task_id = ""] = tasks;
    const store = makeStore(url(), { prefix, replicaId: "survivor", leaseMs });
    await store.ready();
    const survivor = replica({ store });
    await killed(child);
    const outcome = await survivor.stop("principal", task_id);
    expect(outcome.stopped).toBe(false);
    expect(outcome.task.status).toBe("failed");
    expect(outcome.task.error).toContain('Replica "doomed"');
    const events = (await store.events("principal", task_id, 0)) ?? [];
    expect(events.map((e) => e.event)).toEqual(["created", "update", "failed"]);
    expect(await store.checkReplicas()).toBe(0);
  });

  it("a runner that holds its lease but does not answer (frozen) makes the stop fail with REPLICA_UNREACHABLE naming it, and nothing ends", async () => {
    const prefix = `control-frozen-${Date.now()}:`;
    const { child, tasks } = await startReplica(url(), prefix, "frozen", 60_000);
    const [task_id = ""] = tasks;
    const store = makeStore(url(), { prefix, replicaId: "asker", leaseMs: 60_000 });
    await store.ready();
    const asker = replica({ store, stopGraceMs: 100 });
    child.kill("SIGSTOP");
    const error = await asker.stop("principal", task_id).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "REPLICA_UNREACHABLE" });
    expect((error as Error).message).toContain('Replica "frozen"');
    expect((await asker.get("principal", task_id)).status).toBe("working");
  });

  it("a wait for a task's end that spans a Redis restart still resolves (the end published while the subscriber was away is read)", async () => {
    const aof = await RedisServer.start({ appendOnly: true });
    try {
      const prefix = `control-restart-${Date.now()}:`;
      const storeOne = makeStore(aof.url, { prefix, replicaId: "r-one" });
      const storeTwo = makeStore(aof.url, { prefix, replicaId: "r-two" });
      await Promise.all([storeOne.ready(), storeTwo.ready()]);
      const one = replica({ store: storeOne });
      const two = replica({ store: storeTwo });
      let finish: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const t = tracker();
      const { task_id } = await one.start({
        owner: "principal",
        toolName: "slow",
        onEvent: t.onEvent,
        run: async function* () {
          yield 1;
          await finished;
          return "done";
        },
      });
      await t.firstUpdate;
      await storeOne.flush();
      const waiting = two.whenEnded("principal", task_id);
      await aof.pause();
      finish();
      await t.end;
      await aof.restart();
      await waiting;
      expect((await two.get("principal", task_id)).status).toBe("completed");
    } finally {
      await Promise.all(registries.splice(0).map((registry) => registry.shutdown("test over", 1_000)));
      await closeAll();
      await aof.stop();
    }
  });

  it("keeps owners out of what it publishes: requests name tasks by the owner's hash", async () => {
    const { one, two, prefix } = await twoReplicas();
    const client = await rawClient(url());
    const seen: string[] = [];
    const listener = client.duplicate();
    listener.on("error", () => undefined);
    await listener.connect();
    await listener.pSubscribe(`${prefix}control:*`, (message: string) => void seen.push(message));
    const counter = { finallyRan: 0 };
    const t = tracker();
    const { task_id } = await one.start({ owner: "secret-token-123", toolName: "wait", onEvent: t.onEvent, run: untilStopped(counter) });
    await t.firstUpdate;
    await two.stop("secret-token-123", task_id);
    await listener.close();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.join("\n")).not.toContain("secret-token-123");
  });
});
