/** Every code a {@link RedisStoreError} can carry. */
export type RedisStoreErrorCode =
  /** Redis could not be reached (at start, within `connectTimeoutMs`), or the store was closed. */
  | "REDIS_UNREACHABLE"
  /** Redis answered a write with an error (out of memory, say); the store retries it. */
  | "REDIS_REFUSED"
  /** Redis did not answer a read within `commandTimeoutMs` (it is hung, or the network is). */
  | "REDIS_TIMEOUT"
  /** Writes the store accepted were not confirmed by Redis within `flushTimeoutMs`. */
  | "REDIS_WRITE_TIMEOUT"
  /** An option of `redisStore()` is invalid. */
  | "INVALID_ARGUMENT";

/**
 * The errors of `@mcpc/redis`: a stable `code` and a message that names the
 * Redis server (its URL without credentials) and says what to do.
 *
 * @example
 * ```ts
 * try {
 *   await store.ready();
 * } catch (error) {
 *   if (error instanceof RedisStoreError && error.code === "REDIS_UNREACHABLE") process.exit(1);
 * }
 * ```
 */
export class RedisStoreError extends Error {
  /** A stable code to branch on. */
  readonly code: RedisStoreErrorCode;

  constructor(code: RedisStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RedisStoreError";
    this.code = code;
  }
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
