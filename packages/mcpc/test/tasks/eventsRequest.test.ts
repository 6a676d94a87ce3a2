/**
 * Replay on the wire: `mcpc/tasks/events` answered from the store's event log,
 * and `McpcClient.events` / `replay` reading it, against a store that keeps a
 * log (what Redis is to several replicas) and against the in-memory default.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcClient } from "../../src/client/index.js";
import { McpcServer, Tool, type McpcServerOptions, type TaskContext } from "../../src/index.js";
import { MemoryTaskStore } from "../../src/tasks/memoryTaskStore.js";
import type { TaskEvent } from "../../src/tasks/taskRegistry.js";
import type { TaskRecord } from "../../src/tasks/taskStore.js";
import { gate } from "../support/async.js";

/** The in-memory store plus an event log. */
class LoggingStore extends MemoryTaskStore {
  readonly logs = new Map<string, TaskEvent[]>();

  append(record: TaskRecord, event: TaskEvent): void {
    const key = `${record.owner}\n${record.task_id}`;
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    log.push({ ...event });
  }

  events(owner: string, taskId: string, afterSeq: number, limit?: number): TaskEvent[] | undefined {
    if (!this.get(owner, taskId)) return undefined;
    return (this.logs.get(`${owner}\n${taskId}`) ?? []).filter((e) => e.seq > afterSeq).slice(0, limit);
  }
}

const step = gate();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  step.open();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

class Counter extends McpcServer {
  @Tool({ description: "Counts to three, the last after the test says so", background: true })
  async *count(_args: object, _task: TaskContext) {
    yield 1;
    yield 2;
    await step.promise;
    yield 3;
    return "counted";
  }
}

async function connect(options: Partial<McpcServerOptions> = {}): Promise<McpcClient> {
  const server = new Counter({ name: "counter", version: "1.0.0", ...options });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new McpcClient(new Client({ name: "replayer", version: "1.0.0" }), { legacy: false });
  await client.connect(clientSide);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

describe("mcpc/tasks/events and McpcClient.events / replay", () => {
  it("answers the logged events after any sequence number; replay follows the log to the terminal event, each event once", async () => {
    const client = await connect({ tasks: { store: new LoggingStore() } });
    const handle = await client.callTool("count", {});
    const seen: string[] = [];
    const replay = (async () => {
      for await (const event of client.replay(handle.taskId, { pollMs: 5 })) seen.push(`${event.seq}:${event.event}`);
    })();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toEqual(["1:created", "2:update", "3:update"]);
    step.open();
    await replay;
    expect(seen).toEqual(["1:created", "2:update", "3:update", "4:update", "5:complete"]);
    const all = await client.events(handle.taskId);
    expect(all.map((e) => e.payload)).toEqual([null, 1, 2, 3, "counted"]);
    for (let after = 0; after <= 5; after++) expect(await client.events(handle.taskId, after)).toEqual(all.slice(after));
    const fromThree: string[] = [];
    for await (const event of client.replay(handle.taskId, { afterSeq: 3 })) fromThree.push(event.event);
    expect(fromThree).toEqual(["update", "complete"]);
  });

  it("refuses an unknown task, bad params, and a store without a log, each with a code that says so", async () => {
    const logged = await connect({ tasks: { store: new LoggingStore() } });
    await expect(logged.events("no-such-task")).rejects.toMatchObject({ code: "UNKNOWN_TASK" });
    await expect(logged.sdk.request({ method: "mcpc/tasks/events", params: { task_id: "x", after_seq: "0" } }, z.looseObject({}))).rejects.toThrow(/after_seq/);
    const plain = await connect();
    const handle = await plain.callTool("count", {});
    await expect(plain.events(handle.taskId)).rejects.toMatchObject({ code: "INVALID_STATE", message: expect.stringContaining("keeps no event log") });
  });
});
