/**
 * One Redis command over a fresh connection of `@redis/client` (the client
 * `@mcpc/redis` is built on): the harness needs a few commands between
 * measurements (FLUSHALL, a count of what the store wrote).
 */
import { createClient } from "@redis/client";

const TIMEOUT_MS = 10_000;

/**
 * Sends one command to the Redis on 127.0.0.1:`port` and resolves with its reply.
 * @throws Error when Redis answers with an error, or is not reached within 10 s
 */
export async function redisCommand(port: number, args: readonly string[]): Promise<unknown> {
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { connectTimeout: TIMEOUT_MS, reconnectStrategy: false } });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await client.sendCommand([...args]);
  } finally {
    client.destroy();
  }
}

/** Sums XLEN over every stream key matching `pattern`, inside Redis (one round trip, whatever the number of keys). */
const SUM_XLEN = `local total, cursor = 0, "0"
repeat
  local page = redis.call("SCAN", cursor, "MATCH", ARGV[1], "COUNT", 1000, "TYPE", "stream")
  cursor = page[1]
  for _, key in ipairs(page[2]) do total = total + redis.call("XLEN", key) end
until cursor == "0"
return total`;

/** Entries in every stream whose key matches `pattern` (the store's task event logs). */
export async function streamEntries(port: number, pattern: string): Promise<number> {
  return Number(await redisCommand(port, ["EVAL", SUM_XLEN, "0", pattern]));
}
