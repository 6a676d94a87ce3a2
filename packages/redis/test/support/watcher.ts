/**
 * A bare {@link ReplicaLease} on a connection of its own, with a hook on every
 * reply it gets: how the tests make Redis (or the event loop) slow at one precise
 * step of a replica's judging. Everything made here is closed by {@link closeWatchers}.
 */
import type { LogLevel } from "mcpc";
import { RedisConnection } from "../../src/connection.js";
import { KeySpace } from "../../src/keys.js";
import { resolveOptions } from "../../src/options.js";
import { ReplicaLease } from "../../src/replicaLease.js";
import { BATCH_SCRIPTS } from "../../src/scripts.js";

/** Runs after Redis answered `command` and before the lease sees the answer. */
export type ReplyHook = (command: readonly string[]) => void | Promise<void>;

const open: (() => Promise<void>)[] = [];

export interface WatcherOptions {
  url: string;
  prefix: string;
  replicaId: string;
  leaseMs: number;
  logger?: (level: LogLevel, message: string) => void;
}

/** A replica's lease, taken and renewed (it judges the others on its ticks like a store's). */
export async function watcher(options: WatcherOptions, hook: ReplyHook = () => undefined): Promise<ReplicaLease> {
  const resolved = resolveOptions({ logger: () => undefined, ...options });
  const connection = new RedisConnection(resolved, BATCH_SCRIPTS);
  const hooked = {
    async send(command: readonly string[]): Promise<unknown> {
      const reply = await connection.send(command);
      await hook(command);
      return reply;
    },
    get readySince(): number {
      return connection.readySince;
    },
  } as unknown as RedisConnection;
  const lease = new ReplicaLease(hooked, new KeySpace(resolved.prefix), resolved);
  open.push(async () => {
    await lease.stop().catch(() => undefined);
    await connection.close();
  });
  await connection.ready();
  await lease.start();
  return lease;
}

export async function closeWatchers(): Promise<void> {
  await Promise.all(open.splice(0).map((close) => close()));
}
