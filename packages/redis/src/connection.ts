import { ErrorReply, MultiErrorReply, ReconnectStrategyError, createClient } from "@redis/client";
import type { Logger } from "mcpc";
import { RedisStoreError, messageOf } from "./errors.js";
import { displayUrl, type ResolvedRedisStoreOptions } from "./options.js";
import type { Script } from "./scripts.js";

/** A reply of `MULTI … EXEC`: each command's reply, or the error Redis answered it with. */
export type TransactionReply = (unknown | Error)[];

/** A connection in subscriber mode (see {@link RedisConnection.subscriber}). */
export interface RedisSubscriber {
  /** Listens on a channel (one listener per channel); resolves once Redis confirmed the subscription. */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** Closes the connection (idempotent). */
  close(): Promise<void>;
}

/** Longest pause between two reconnection attempts once Redis has been reached. */
const MAX_BACKOFF_MS = 2_000;

/**
 * The one connection of a store, and the only module that knows the Redis
 * client library. It connects at once; {@link ready} says whether that worked
 * within the start-up time. Once connected it never gives up: when Redis goes
 * away it logs once, reconnects with backoff, and logs once when Redis is back.
 * Commands sent meanwhile wait for it, each at most the command timeout.
 */
export class RedisConnection {
  /** The URL without credentials: what errors and logs name. */
  readonly where: string;
  readonly #client: ReturnType<typeof createClient>;
  readonly #ready: Promise<void>;
  readonly #logger: Logger;
  readonly #startedAt = Date.now();
  readonly #connectTimeoutMs: number;
  readonly #commandTimeoutMs: number;
  readonly #scripts: readonly Script[];
  #everReady = false;
  #readySince = Number.POSITIVE_INFINITY;
  #down = false;
  #closed = false;

  /** `scripts` are loaded at each connection: a restarted Redis has forgotten them, and `EVALSHA` in a transaction cannot fall back. */
  constructor(options: ResolvedRedisStoreOptions, scripts: readonly Script[] = []) {
    this.#scripts = scripts;
    this.where = displayUrl(options.url);
    this.#logger = options.logger;
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#commandTimeoutMs = options.commandTimeoutMs;
    this.#client = createClient({
      url: options.url,
      // Push notifications of Redis Enterprise maintenance: unknown to the open-source server, and nothing this store uses.
      maintNotifications: "disabled",
      commandOptions: { timeout: options.commandTimeoutMs },
      socket: {
        connectTimeout: options.connectTimeoutMs,
        reconnectStrategy: (retries, cause) => this.#nextAttempt(retries, cause),
      },
    });
    // Without a listener an 'error' event would throw; every failed attempt emits one.
    this.#client.on("error", (error: unknown) => this.#lost(error));
    this.#client.on("ready", () => this.#back());
    this.#ready = this.#client.connect().then(
      () => this.loadScripts(),
      (error: unknown) => {
        // The client wraps what the reconnect strategy returned (our REDIS_UNREACHABLE) in an error of its own.
        const original = error instanceof ReconnectStrategyError ? (error.originalError as unknown) : error;
        throw original instanceof RedisStoreError ? original : this.#unreachable(original);
      },
    );
    // Owned here, rethrown to every caller of ready(): a server that never asks must not see an unhandled rejection.
    this.#ready.catch(() => undefined);
  }

  /** Resolves once connected; rejects with `REDIS_UNREACHABLE`, naming the URL, when Redis was not reached in time. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Loads the scripts into Redis's cache (again). */
  async loadScripts(): Promise<void> {
    await Promise.all(this.#scripts.map((script) => this.#client.sendCommand(["SCRIPT", "LOAD", script.source])));
  }

  /** When the connection became ready last (ms since the epoch); infinity before the first time. */
  get readySince(): number {
    return this.#readySince;
  }

  /** True while connected (false while reconnecting). */
  get isReady(): boolean {
    return this.#client.isReady;
  }

  /**
   * One command. Rejects with Redis's error, when Redis is unreachable, or with
   * `REDIS_TIMEOUT` when it has not answered within the command timeout.
   */
  async send(args: readonly string[]): Promise<unknown> {
    await this.#ready;
    return this.#timed(this.#client.sendCommand(args), args[0]);
  }

  /** Like {@link write}, but rejects with `REDIS_TIMEOUT` when Redis has not answered within the command timeout (for reads). */
  async transaction(commands: string[][]): Promise<TransactionReply> {
    return this.#timed(this.write(commands), "MULTI");
  }

  /**
   * Commands as one `MULTI … EXEC` (applied together, in one round trip). A command
   * Redis refuses when it runs does not stop the others: its reply is the error.
   * Rejects when the transaction as a whole did not go through: the connection
   * dropped, or Redis refused it before running it (`REDIS_REFUSED`: out of memory, say).
   *
   * No timeout, on purpose: a write Redis has received may still be applied, so
   * the store's writer waits for its answer (or for the connection to drop)
   * before it sends anything else, rather than piling retries on a hung server.
   */
  async write(commands: string[][]): Promise<TransactionReply> {
    await this.#ready;
    const multi = this.#client.multi();
    for (const command of commands) multi.addCommand(command);
    try {
      return (await multi.exec()) as TransactionReply;
    } catch (error) {
      // The client reports per-command errors by throwing them all; hand them back in place.
      if (error instanceof MultiErrorReply) return error.replies as TransactionReply;
      if (error instanceof ErrorReply) {
        throw new RedisStoreError("REDIS_REFUSED", `Redis at ${this.where} refused a transaction: ${error.message}.`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * A second connection, for pub/sub: a subscribed connection takes no other
   * command. It reconnects like this one (the client restores its subscriptions);
   * `onReconnect` is told each time it is back, since messages published meanwhile
   * are lost. Its outages are reported by this connection, once.
   */
  async subscriber(onReconnect: () => void): Promise<RedisSubscriber> {
    await this.#ready;
    const client = this.#client.duplicate();
    client.on("error", () => undefined);
    let connected = false;
    client.on("ready", () => {
      if (connected) onReconnect();
    });
    try {
      await this.#timed(client.connect(), "the handshake of a second connection (pub/sub)");
    } catch (error) {
      // It would go on trying in the background.
      client.destroy();
      throw error;
    }
    connected = true;
    return {
      subscribe: (channel, listener) => this.#timed(client.subscribe(channel, (message: string) => listener(message)), "SUBSCRIBE"),
      unsubscribe: (channel) => this.#timed(client.unsubscribe(channel), "UNSUBSCRIBE"),
      close: async () => {
        if (!client.isOpen) return;
        try {
          await this.#timed(client.close(), "QUIT");
        } catch {
          if (client.isOpen) client.destroy();
        }
      },
    };
  }

  /**
   * Closes the connection: commands already sent are answered first, for at most
   * the command timeout (a hung server would hold the close for ever). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connected = await this.#ready.then(
      () => true,
      () => false,
    );
    if (!connected) return;
    try {
      await this.#timed(this.#client.close(), "QUIT");
    } catch {
      // Hung or already gone: nothing more will be answered.
      if (this.#client.isOpen) this.#client.destroy();
    }
  }

  /**
   * `reply`, or a `REDIS_TIMEOUT` rejection when it takes longer than the command
   * timeout. The client only times out commands it has not sent yet; one sent to a
   * hung server would wait for ever. Its late answer is dropped.
   */
  #timed<T>(reply: Promise<T>, command: string | undefined): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RedisStoreError("REDIS_TIMEOUT", `Redis at ${this.where} did not answer ${command ?? "a command"} within ${this.#commandTimeoutMs} ms.`),
          ),
        this.#commandTimeoutMs,
      );
    });
    reply.catch(() => undefined);
    return Promise.race([reply, late]).finally(() => clearTimeout(timer));
  }

  #nextAttempt(retries: number, cause: Error): number | Error {
    if (this.#closed) return new RedisStoreError("REDIS_UNREACHABLE", `The task store on Redis at ${this.where} was closed.`);
    if (this.#everReady) return Math.min(50 * 2 ** Math.min(retries, 6), MAX_BACKOFF_MS);
    const delay = Math.min(100 * (retries + 1), 500);
    if (Date.now() - this.#startedAt + delay > this.#connectTimeoutMs) return this.#unreachable(cause);
    return delay;
  }

  #unreachable(cause: unknown): RedisStoreError {
    return new RedisStoreError(
      "REDIS_UNREACHABLE",
      `Cannot reach Redis at ${this.where} (tried for ${this.#connectTimeoutMs} ms): ${messageOf(cause)}. ` +
        "Check that the server runs and that the url (host, port, password, TLS) is right.",
      { cause },
    );
  }

  #lost(error: unknown): void {
    this.#readySince = Number.POSITIVE_INFINITY;
    // Before the first connection, ready() reports the failure; afterwards, once per outage.
    if (!this.#everReady || this.#down || this.#closed) return;
    this.#down = true;
    this.#logger("warning", `lost the connection to Redis at ${this.where} (${messageOf(error)}); reconnecting. Task writes are held until it is back.`);
  }

  #back(): void {
    this.#everReady = true;
    this.#readySince = Date.now();
    if (!this.#down) return;
    this.#down = false;
    // Redis may have restarted, its script cache empty. A batch that still meets NOSCRIPT reloads them and is retried.
    this.loadScripts().catch(() => undefined);
    this.#logger("info", `Redis at ${this.where} is back.`);
  }
}
