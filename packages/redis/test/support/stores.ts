/** Stores, raw clients and records for tests: everything made here is closed by {@link closeAll} (afterEach). */
import { createClient } from "@redis/client";
import type { LogLevel } from "mcpc";
import type { TaskRecord } from "mcpc/engine";
import { redisStore, type RedisTaskStore } from "../../src/index.js";
import type { RedisStoreOptions } from "../../src/options.js";

const stores: RedisTaskStore[] = [];
const clients: { isOpen: boolean; close(): Promise<void> }[] = [];
let prefixes = 0;

/** A log the store writes to, for assertions (and silence on stderr). */
export function logSink() {
  const lines: { level: LogLevel; message: string }[] = [];
  return { lines, logger: (level: LogLevel, message: string) => void lines.push({ level, message }) };
}

/** A store on `url` under a prefix of its own (tests in one file share a server). */
export function makeStore(url: string, options: Partial<RedisStoreOptions> = {}): RedisTaskStore {
  const store = redisStore({ url, prefix: `test${process.pid}-${++prefixes}:`, logger: () => undefined, ...options });
  stores.push(store);
  return store;
}

/** A plain client, to look at what the store wrote. */
export async function rawClient(url: string) {
  const client = createClient({ url, maintNotifications: "disabled" });
  client.on("error", () => undefined);
  clients.push(client);
  await client.connect();
  return client;
}

export async function closeAll(): Promise<void> {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await Promise.all(clients.splice(0).map((client) => (client.isOpen ? client.close() : undefined)));
}

export function record(owner: string, taskId: string, extra: Partial<TaskRecord> = {}): TaskRecord {
  return { owner, task_id: taskId, tool_name: "tool", status: "working", seq: 0, created_at: Date.now(), updated_at: Date.now(), ...extra };
}
