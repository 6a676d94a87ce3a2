import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "mcpc";
import { RedisStoreError } from "./errors.js";

/** How {@link redisStore} reaches Redis and how it writes. */
export interface RedisStoreOptions {
  /** The server: `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS). */
  url: string;
  /**
   * Put before every key this store uses. Replicas of one server share it; two
   * servers on one Redis need different ones. Default `"mcpc:"`.
   */
  prefix?: string;
  /** How long {@link RedisTaskStore.ready} keeps trying to reach Redis at start before it fails. Default 5,000 ms. */
  connectTimeoutMs?: number;
  /** How long a read waits for Redis before it fails with `REDIS_TIMEOUT` (writes wait: see docs/scaling.md). Default 5,000 ms. */
  commandTimeoutMs?: number;
  /**
   * Shortest time between two batched writes: updates yielded meanwhile go in one
   * round trip (the latest state of each task, and every event). Creates and
   * terminal states do not wait for it. Default 10 ms.
   */
  flushIntervalMs?: number;
  /** Events waiting for Redis beyond which a yielding task waits for them (backpressure). Default 10,000. */
  maxPendingEvents?: number;
  /** Characters of JSON waiting for Redis beyond which a yielding task waits for them. Default 8 MiB. */
  maxPendingChars?: number;
  /** Events kept in each task's log (trimmed approximately, `MAXLEN ~`): the oldest go first. Default 1,000. */
  maxEventsPerTask?: number;
  /** How long {@link RedisTaskStore.flush} (and so the server's shutdown) waits for pending writes. Default 5,000 ms. */
  flushTimeoutMs?: number;
  /**
   * This replica's name in leases and in the reason its tasks fail with if its
   * lease lapses. Unique per process. Default: `<hostname>-<pid>-<random>`.
   */
  replicaId?: string;
  /**
   * How long this replica's lease lasts unless renewed (every third of it). Another
   * replica marks the running tasks of a replica whose lease lapsed `failed`. Default 15,000 ms.
   */
  leaseMs?: number;
  /** How long a task failed for a lapsed lease stays readable (use the engine's `ttlMs`). Default 1 h. */
  failedTaskTtlMs?: number;
  /** Where the store reports that Redis went away and came back, and lapsed leases. Default: stderr. */
  logger?: Logger;
}

/** The options with every default applied. */
export type ResolvedRedisStoreOptions = Required<Omit<RedisStoreOptions, "logger">> & { logger: Logger };

const NUMBERS = {
  connectTimeoutMs: 5_000,
  commandTimeoutMs: 5_000,
  flushIntervalMs: 10,
  maxPendingEvents: 10_000,
  maxPendingChars: 8 * 1024 * 1024,
  maxEventsPerTask: 1_000,
  flushTimeoutMs: 5_000,
  leaseMs: 15_000,
  failedTaskTtlMs: 60 * 60 * 1_000,
} as const;

/** The default logger: one line on stderr (never stdout, which may be the MCP transport). */
const stderrLogger: Logger = (level, message) => {
  process.stderr.write(`[mcpc/redis] ${level}: ${message}\n`);
};

/**
 * Applies the defaults and checks every value.
 * @throws RedisStoreError `INVALID_ARGUMENT` naming the option
 */
export function resolveOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  if (typeof options !== "object" || options === null || typeof options.url !== "string") {
    throw new RedisStoreError("INVALID_ARGUMENT", 'redisStore() needs the URL of a Redis server: redisStore({ url: "redis://127.0.0.1:6379" }).');
  }
  const prefix = options.prefix ?? "mcpc:";
  if (typeof prefix !== "string") throw new RedisStoreError("INVALID_ARGUMENT", `redisStore() option "prefix" must be a string; got ${String(prefix)}.`);
  const replicaId = options.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  if (typeof replicaId !== "string" || replicaId.length === 0 || replicaId.length > 200) {
    throw new RedisStoreError("INVALID_ARGUMENT", `redisStore() option "replicaId" must be a non-empty string of at most 200 characters; got ${String(replicaId)}.`);
  }
  const resolved = { url: options.url, prefix, replicaId, logger: options.logger ?? stderrLogger } as ResolvedRedisStoreOptions;
  for (const [name, fallback] of Object.entries(NUMBERS) as [keyof typeof NUMBERS, number][]) {
    const value = options[name] ?? fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (value === 0 && name !== "flushIntervalMs")) {
      throw new RedisStoreError("INVALID_ARGUMENT", `redisStore() option "${name}" must be a positive number; got ${String(value)}.`);
    }
    resolved[name] = value;
  }
  return resolved;
}

/**
 * The URL as it may be shown (in errors and logs): without its user name and password.
 * @throws RedisStoreError `INVALID_ARGUMENT` when it is not a redis:// or rediss:// URL
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: a malformed URL may still hold a password.
    throw new RedisStoreError("INVALID_ARGUMENT", "The url given to redisStore() is not a URL; it needs one like redis://127.0.0.1:6379.");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new RedisStoreError("INVALID_ARGUMENT", `redisStore() needs a redis:// or rediss:// URL; got ${parsed.protocol}//${parsed.host}.`);
  }
  parsed.username = "";
  parsed.password = "";
  return parsed.toString().replace(/\/$/, "");
}
