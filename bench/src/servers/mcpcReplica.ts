/**
 * The mcpc HTTP bench server (tools in mcpcTools.ts) as one replica of several (issue 16):
 *
 *   node mcpcReplica.js <port>                          tasks in memory (the default store)
 *   node mcpcReplica.js <port> <redis url> <replica id>  tasks in Redis (`@mcpc/redis`, every other option at its default)
 */
import type { RedisTaskStore } from "@mcpc/redis";
import { announceListening, portArg } from "./common.js";
import { BENCH_OPTIONS, BenchTools } from "./mcpcTools.js";

const [url, replicaId] = process.argv.slice(3);

async function redisBacked(): Promise<RedisTaskStore | undefined> {
  if (url === undefined) return undefined;
  // Loaded only here, so the memory-store replica never loads the Redis client.
  const { redisStore } = await import("@mcpc/redis");
  return redisStore({ url, ...(replicaId !== undefined && { replicaId }) });
}

const store = await redisBacked();
const serving = await new BenchTools({ ...BENCH_OPTIONS, tasks: { ...BENCH_OPTIONS.tasks, ...(store && { store }) } }).serve({
  transport: "http",
  port: portArg(),
  host: "127.0.0.1",
});
announceListening(serving.port);
