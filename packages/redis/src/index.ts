/**
 * `@mcpc/redis`: a task store on Redis for an mcpc server that runs as several
 * replicas. Any replica reads the tasks and event logs of every owner's tasks;
 * writes of running tasks are batched off the hot path. See docs/scaling.md.
 *
 * @example
 * ```ts
 * import { redisStore } from "@mcpc/redis";
 *
 * const store = redisStore({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
 * await store.ready(); // fails here, naming the URL, when Redis cannot be reached
 * const server = new DataTools({ name: "data", version: "1.0.0", tasks: { store } });
 * ```
 *
 * @module @mcpc/redis
 */

// The store
export { redisStore, RedisTaskStore } from "./redisStore.js";
export type { RedisStoreOptions } from "./options.js";
// How replicas reach each other's tasks (the store's `control`, used by the engine)
export type { RedisControlChannel } from "./controlChannel.js";

// Its errors
export { RedisStoreError } from "./errors.js";
export type { RedisStoreErrorCode } from "./errors.js";
