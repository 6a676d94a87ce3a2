import type { TaskEvent, TaskRecord, TaskStore } from "mcpc/engine";
import { RedisConnection } from "./connection.js";
import { RedisStoreError, messageOf } from "./errors.js";
import { KeySpace } from "./keys.js";
import { resolveOptions, type RedisStoreOptions, type ResolvedRedisStoreOptions } from "./options.js";
import { decodeEvent, decodeRecord, encodeRecord, isTerminal } from "./recordCodec.js";
import { APPEND_TERMINAL, BATCH_SCRIPTS, CREATE_TASK, SAVE_RECORD, SWEEP_TASK, type Script } from "./scripts.js";
import { ReplicaLease } from "./replicaLease.js";
import { WriteBuffer, type WriteBatch } from "./writeBuffer.js";
import { RedisControlChannel } from "./controlChannel.js";

/** Expired tasks removed per round trip of a sweep. */
const SWEEP_BATCH = 500;
/** Records read per `MGET` when listing. */
const LIST_BATCH = 500;
/** The most events one replay reads. */
const MAX_REPLAY = 10_000;
/** A refused write is reported at most this often (a full Redis would refuse every batch). */
const REFUSAL_REPORT_MS = 60_000;

/**
 * A {@link TaskStore} on Redis, for a server that runs as several replicas:
 * any replica reads the records and event logs of every task, by owner.
 * Make it with {@link redisStore}.
 *
 * What it keeps: each task's record (JSON, with the owner only as a hash in the
 * key), an index of each owner's tasks by creation time, each task's events on a
 * Redis Stream bounded by `maxEventsPerTask`, and an index of finished tasks by
 * expiry. A finished task's record and log expire in Redis at its `expires_at`;
 * `sweep` removes what is left of them from the indexes.
 *
 * Writes of running tasks go through a {@link WriteBuffer} (one round trip per
 * interval, not per yield; backpressure on a slow Redis); `create` and `get`,
 * `list`, `delete`, `events` go to Redis at once.
 */
export class RedisTaskStore implements TaskStore {
  readonly #options: ResolvedRedisStoreOptions;
  readonly #connection: RedisConnection;
  readonly #keys: KeySpace;
  readonly #buffer: WriteBuffer;
  readonly #lease: ReplicaLease;
  /** Settles once the lease is taken; rejects like {@link ready}. */
  readonly #leased: Promise<void>;
  /** This replica's running set: terminal records leave it. */
  readonly #running: string;
  /**
   * How a stop, task input or a wait for the end of a task that another replica
   * runs reaches that replica (pub/sub on a second connection). The engine uses it.
   */
  readonly control: RedisControlChannel;
  #lastRefusalReport = 0;
  #closing: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    this.#options = resolveOptions(options);
    this.#connection = new RedisConnection(this.#options, BATCH_SCRIPTS);
    this.#keys = new KeySpace(this.#options.prefix);
    this.#running = this.#keys.running(this.#options.replicaId);
    const { flushIntervalMs: intervalMs, maxPendingEvents: maxEvents, maxPendingChars: maxChars } = this.#options;
    this.#buffer = new WriteBuffer({ intervalMs, maxEvents, maxChars }, (batch) => this.#write(batch));
    this.#lease = new ReplicaLease(this.#connection, this.#keys, this.#options);
    this.control = new RedisControlChannel(this.#connection, this.#keys, this.#lease, this.#options);
    // Listening before serving: a replica that runs tasks must hear the requests about them.
    this.#leased = this.#connection
      .ready()
      .then(() => this.#lease.start())
      .then(() => this.control.start());
    // Owned here: ready() reports an unreachable Redis to whoever asks.
    this.#leased.catch(() => undefined);
  }

  /** This replica's name in leases (option `replicaId`). */
  get replicaId(): string {
    return this.#options.replicaId;
  }

  /** The Redis server, without credentials: what errors and logs name. */
  get url(): string {
    return this.#connection.where;
  }

  /**
   * Resolves once Redis is reached, this replica's lease is taken and its control
   * channel listens; rejects with `REDIS_UNREACHABLE`, naming the URL, when Redis
   * was not reached within `connectTimeoutMs`. `serve()` awaits it before it listens.
   */
  ready(): Promise<void> {
    return this.#leased;
  }

  async create(record: TaskRecord): Promise<boolean> {
    // After the lease is taken: taking it fails what a previous process of this replica id left running, not this task.
    await this.#leased;
    const keys = this.#keys.of(record);
    const created = await this.#eval(
      CREATE_TASK,
      [keys.record, keys.owner, keys.events, this.#keys.expiries, this.#running, this.#keys.replicas],
      [encodeRecord(record), String(record.created_at), keys.taskId, keys.member, this.#options.replicaId],
    );
    if (created !== 1) return false;
    this.control.runs(keys.member, record.owner);
    return true;
  }

  save(record: TaskRecord): void | Promise<void> {
    const keys = this.#keys.of(record);
    const terminal = isTerminal(record.status);
    if (terminal) this.control.ran(keys.member);
    return this.#buffer.record(keys, record, terminal);
  }

  append(record: TaskRecord, event: TaskEvent): void | Promise<void> {
    const json = JSON.stringify(event.payload === undefined ? null : event.payload);
    return this.#buffer.event(this.#keys.of(record), record, event.seq, event.event, json, event.event !== "update");
  }

  async get(owner: string, taskId: string): Promise<TaskRecord | undefined> {
    const keys = this.#keys.task(owner, taskId);
    // This process's own writes not yet sent: the live record itself.
    const pending = this.#buffer.pendingRecord(keys.record);
    if (pending) return pending;
    return decodeRecord(await this.#connection.send(["GET", keys.record]), owner);
  }

  async list(owner: string): Promise<TaskRecord[]> {
    const ownerId = this.#keys.ownerId(owner);
    const ids = (await this.#connection.send(["ZRANGE", this.#keys.owner(owner), "0", "-1"])) as string[];
    const records: TaskRecord[] = [];
    for (let start = 0; start < ids.length; start += LIST_BATCH) {
      const keys = ids.slice(start, start + LIST_BATCH).map((id) => this.#keys.taskOf(ownerId, id).record);
      // This process's own records, taken before the read is sent (as in events()).
      const local = keys.map((key) => this.#buffer.pendingRecord(key));
      const values = (await this.#connection.send(["MGET", ...keys])) as unknown[];
      keys.forEach((_key, i) => {
        // A record gone from Redis (expired) but still indexed is skipped; the sweep unindexes it.
        const record = local[i] ?? decodeRecord(values[i], owner);
        if (record) records.push(record);
      });
    }
    return records;
  }

  async delete(owner: string, taskId: string): Promise<boolean> {
    const keys = this.#keys.task(owner, taskId);
    this.#buffer.forget(keys);
    this.control.ran(keys.member);
    const [deleted] = await this.#connection.transaction([
      ["DEL", keys.record],
      ["DEL", keys.events],
      ["ZREM", keys.owner, taskId],
      ["ZREM", this.#keys.expiries, keys.member],
      ["SREM", this.#running, keys.member],
      // Whoever waits for its end: it is gone.
      ["PUBLISH", keys.ended, "deleted"],
    ]);
    return deleted === 1;
  }

  async sweep(now: number): Promise<number> {
    const expiries = this.#keys.expiries;
    // Loaded once per sweep: EVALSHA inside MULTI cannot fall back to EVAL.
    await this.#connection.send(["SCRIPT", "LOAD", SWEEP_TASK.source]);
    let removed = 0;
    for (;;) {
      const due = (await this.#connection.send(["ZRANGE", expiries, "-inf", String(now), "BYSCORE", "LIMIT", "0", String(SWEEP_BATCH)])) as string[];
      if (due.length === 0) return removed;
      const commands = due.map((member) => {
        const keys = this.#keys.member(member);
        // A member this layout did not write: unindex it, nothing else.
        if (!keys) return ["ZREM", expiries, member];
        return ["EVALSHA", SWEEP_TASK.sha, "4", expiries, keys.owner, keys.record, keys.events, member, keys.taskId, String(now)];
      });
      const replies = await this.#connection.transaction(commands);
      removed += replies.filter((reply, i) => reply === 1 && commands[i]?.[0] === "EVALSHA").length;
      if (due.length < SWEEP_BATCH) return removed;
    }
  }

  async events(owner: string, taskId: string, afterSeq: number, limit = MAX_REPLAY): Promise<TaskEvent[] | undefined> {
    const keys = this.#keys.task(owner, taskId);
    const live = this.#buffer.pendingRecord(keys.record) !== undefined;
    // Taken before the read is sent: a write in flight may land after the read and be done before its answer arrives.
    const unsent = this.#buffer.pendingEvents(keys.events, afterSeq);
    const [exists, entries] = await this.#connection.transaction([
      ["EXISTS", keys.record],
      ["XRANGE", keys.events, `${afterSeq + 1}-0`, "+", "COUNT", String(limit)],
    ]);
    if (exists !== 1 && !live) return undefined;
    const events: TaskEvent[] = [];
    if (Array.isArray(entries)) {
      for (const entry of entries) {
        const event = decodeEvent(entry);
        if (event) events.push(event);
      }
    }
    // Then this process's own events that Redis did not have yet, after the last one it has.
    const last = events.at(-1)?.seq ?? afterSeq;
    for (const pending of unsent) {
      if (pending.seq <= last) continue;
      if (events.length >= limit) break;
      events.push({ event: pending.event as TaskEvent["event"], seq: pending.seq, payload: JSON.parse(pending.json) as unknown });
    }
    return events;
  }

  /**
   * Marks `failed` the running tasks of every other replica whose lease has lapsed
   * (each replica does this every third of `leaseMs`; exactly one of them fails each task).
   * @returns how many tasks this call failed
   */
  checkReplicas(): Promise<number> {
    return this.#lease.checkOthers();
  }

  /**
   * Resolves once every write accepted so far is in Redis.
   * @throws RedisStoreError `REDIS_WRITE_TIMEOUT` when they are not within `flushTimeoutMs`
   */
  async flush(): Promise<void> {
    const waiting = this.#buffer.size;
    if (await this.#buffer.flush(this.#options.flushTimeoutMs)) return;
    throw new RedisStoreError(
      "REDIS_WRITE_TIMEOUT",
      `About ${waiting} task write(s) were not confirmed by Redis at ${this.url} within ${this.#options.flushTimeoutMs} ms; ` +
        "they are lost if this process exits now. Check that Redis is reachable.",
    );
  }

  /** Writes what is pending (within `flushTimeoutMs`), then closes the connection. Call it after the server has shut down. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const connected = await this.ready().then(
      () => true,
      () => false,
    );
    try {
      if (connected) {
        await this.flush();
        await this.#lease.stop();
      }
    } catch (error) {
      this.#options.logger("error", messageOf(error));
    } finally {
      // Also when ready() failed half-way: the second connection may be open.
      await this.control.stop().catch(() => undefined);
      this.#buffer.close();
      await this.#connection.close();
    }
  }

  /** One batch as one transaction: the events first, then each record in its latest state. */
  async #write(batch: WriteBatch): Promise<void> {
    try {
      await this.#connection.ready();
    } catch {
      // Redis was never reached: nothing will take these writes (ready() and every read report why).
      return;
    }
    const maxLen = String(this.#options.maxEventsPerTask);
    const commands: string[][] = [];
    for (const { keys, seq, event, json } of batch.events) {
      const id = `${seq}-0`;
      // A terminal event goes only to a log whose task has not ended already (another replica may have failed it).
      if (event === "update" || event === "created") commands.push(["XADD", keys.events, "MAXLEN", "~", maxLen, id, "e", event, "p", json]);
      else commands.push(["EVALSHA", APPEND_TERMINAL.sha, "2", keys.record, keys.events, id, event, json, maxLen]);
    }
    for (const { keys, record } of batch.records) {
      const json = encodeRecord(record);
      if (record.expires_at === undefined) {
        commands.push(["EVALSHA", SAVE_RECORD.sha, "1", keys.record, json]);
        continue;
      }
      const at = String(record.expires_at);
      commands.push(
        ["EVALSHA", SAVE_RECORD.sha, "1", keys.record, json, at],
        ["ZADD", this.#keys.expiries, at, keys.member],
        ["PEXPIREAT", keys.events, at],
        ["SREM", this.#running, keys.member],
        // After the record: a replica waiting for the end reads it next.
        ["PUBLISH", keys.ended, record.status],
      );
    }
    let replies: unknown[];
    try {
      replies = await this.#connection.write(commands);
    } catch (error) {
      // Refused as a whole (out of memory): said here, since the connection is fine. Either way the buffer retries the batch.
      if (error instanceof RedisStoreError && error.code === "REDIS_REFUSED") this.#reportRefusal(`${error.message} Task writes are held and retried.`);
      throw error;
    }
    if (replies.some((reply) => reply instanceof Error && reply.message.startsWith("NOSCRIPT"))) {
      // Redis restarted and forgot the scripts before they were loaded again: load them, and retry the batch.
      await this.#connection.loadScripts();
      throw new RedisStoreError("REDIS_REFUSED", `Redis at ${this.url} had forgotten the store's scripts; reloaded.`);
    }
    for (const reply of replies) {
      // An event already written by an attempt whose answer was lost: its id is taken, which is what a retry wants.
      if (!(reply instanceof Error) || /equal or smaller than the target stream top item/.test(reply.message)) continue;
      this.#reportRefusal(`Redis at ${this.url} refused a task write: ${reply.message}. It is not retried; records or events of running tasks may be stale.`);
      break;
    }
  }

  /** At most once a minute: a full Redis would refuse every batch. */
  #reportRefusal(message: string): void {
    const now = Date.now();
    if (now - this.#lastRefusalReport < REFUSAL_REPORT_MS) return;
    this.#lastRefusalReport = now;
    this.#options.logger("error", message);
  }

  /** Runs a script by its hash, sending it in full only when Redis does not know it yet. */
  async #eval(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.#connection.send(["EVALSHA", script.sha, ...tail]);
    } catch (error) {
      if (!messageOf(error).startsWith("NOSCRIPT")) throw error;
      return this.#connection.send(["EVAL", script.source, ...tail]);
    }
  }
}

/**
 * Makes a task store on Redis. It starts connecting at once; `await store.ready()`
 * to fail at start, with an error naming the URL, when Redis cannot be reached.
 *
 * @example
 * ```ts
 * import { redisStore } from "@mcpc/redis";
 *
 * const store = redisStore({ url: "redis://127.0.0.1:6379" });
 * await store.ready();
 * const server = new DataTools({ name: "data", version: "1.0.0", tasks: { store } });
 * await server.serve({ transport: "http", port: 3000 });
 * ```
 * @throws RedisStoreError `INVALID_ARGUMENT` for a bad URL or option
 */
export function redisStore(options: RedisStoreOptions): RedisTaskStore {
  return new RedisTaskStore(options);
}
