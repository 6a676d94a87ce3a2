import { randomBytes } from "node:crypto";
import { McpcError, type McpcErrorCode, type RemoteAnswers, type RemoteHandler, type RemoteRequest, type TaskControlChannel } from "mcpc/engine";
import type { Logger } from "mcpc";
import type { RedisConnection, RedisSubscriber } from "./connection.js";
import { RedisStoreError, messageOf } from "./errors.js";
import type { KeySpace } from "./keys.js";
import { decodeRecord, isTerminal } from "./recordCodec.js";
import type { ReplicaLease } from "./replicaLease.js";

/** How long to wait before asking again a runner that nobody listens for (its subscriber reconnecting, say). */
const RETRY_MS = 100;

/** What {@link RedisControlChannel} needs to know. */
export interface ControlOptions {
  readonly replicaId: string;
  /** How often the tasks waited for are read again, in case an end was published while a connection was down. */
  readonly leaseMs: number;
  readonly logger: Logger;
}

/** A request on a replica's channel. */
interface RequestMessage {
  /** The request's id, unique to the asking process. */
  q: string;
  /** Who asks: the answer goes to its channel. */
  from: string;
  /** The task, as its expiry member `<ownerId>:<taskId>` (owners travel only as a hash). */
  m: string;
  r: RemoteRequest;
}

/** An answer on the asking replica's channel: the runner's answer, its error, or "I do not run it". */
type AnswerMessage = { a: string; ok: unknown } | { a: string; err: { code: string; message: string } } | { a: string; gone: true };

/** What one ask came to. */
type Asked = { kind: "answer"; message: AnswerMessage } | { kind: "nobody" } | { kind: "late" };

/** The waiters for one task's end. */
interface EndWaiters {
  readonly owner: string;
  readonly record: string;
  readonly wakers: Set<{ resolve(): void; reject(error: Error): void }>;
}

/**
 * The control channel of the Redis store ({@link TaskControlChannel}): how a
 * stop, task input or a wait for a task's end reaches the replica that runs the
 * task, over Redis pub/sub on a second connection.
 *
 * - Each replica listens on `control:<replicaId>`. A replica asked about a task
 *   it does not run finds the runner (the `running:<replicaId>` set holding the
 *   task), publishes the request on the runner's channel and waits for the answer
 *   on its own, until a deadline. The runner acts through its engine (the handler
 *   the engine installed) and publishes the answer.
 * - Nobody listening, or no answer in time: when the runner's lease has lapsed the
 *   runner is gone, its tasks are failed at once (the lease's exactly-once failure)
 *   and the request resolves undefined; while it still holds its lease, it fails
 *   with `REPLICA_UNREACHABLE`.
 * - A task's end is published on `ended:<ownerId>:<taskId>` by whoever ends it (the
 *   runner's write, or the lease failure); a replica waiting for it subscribes, then
 *   reads the record (an end before the subscription is not missed), and reads the
 *   records of every waited task again after its subscriber reconnects and every `leaseMs`.
 */
export class RedisControlChannel implements TaskControlChannel {
  readonly #connection: RedisConnection;
  readonly #keys: KeySpace;
  readonly #lease: ReplicaLease;
  readonly #options: ControlOptions;
  readonly #channel: string;
  #subscriber: RedisSubscriber | undefined;
  #handler: RemoteHandler | undefined;
  /** Requests of this replica waiting for their answer, by id. */
  readonly #pending = new Map<string, (message: AnswerMessage) => void>();
  /** Waiters for the end of tasks other replicas run, by end channel. */
  readonly #waiters = new Map<string, EndWaiters>();
  /** The tasks this replica runs, member → owner: requests name tasks by member only. */
  readonly #running = new Map<string, string>();
  readonly #idPrefix = randomBytes(4).toString("hex");
  #nextId = 0;
  #recheck: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(connection: RedisConnection, keys: KeySpace, lease: ReplicaLease, options: ControlOptions) {
    this.#connection = connection;
    this.#keys = keys;
    this.#lease = lease;
    this.#options = options;
    this.#channel = keys.control(options.replicaId);
  }

  /** Opens the second connection and listens on this replica's channel. */
  async start(): Promise<void> {
    const subscriber = await this.#connection.subscriber(() => this.#checkWaited());
    this.#subscriber = subscriber;
    await subscriber.subscribe(this.#channel, (message) => this.#onMessage(message));
    this.#recheck = setInterval(() => this.#checkWaited(), this.#options.leaseMs);
    this.#recheck.unref();
  }

  /** Stops listening: requests still waiting fail, and so do waits for ends. */
  async stop(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#recheck);
    const closed = new RedisStoreError("REDIS_UNREACHABLE", `The task store on Redis at ${this.#connection.where} was closed.`);
    for (const answer of this.#pending.values()) answer({ a: "", err: { code: "REPLICA_UNREACHABLE", message: closed.message } });
    this.#pending.clear();
    for (const channel of [...this.#waiters.keys()]) this.#settle(channel, closed);
    await this.#subscriber?.close();
  }

  listen(handler: RemoteHandler): void {
    this.#handler = handler;
  }

  /** This replica runs the task (from its creation): requests about it are answered here. */
  runs(member: string, owner: string): void {
    this.#running.set(member, owner);
  }

  /** The task ended (or was removed) here. */
  ran(member: string): void {
    this.#running.delete(member);
  }

  async forward<K extends RemoteRequest["kind"]>(
    owner: string,
    taskId: string,
    request: Extract<RemoteRequest, { kind: K }>,
    timeoutMs: number,
  ): Promise<RemoteAnswers[K] | undefined> {
    const { member } = this.#keys.task(owner, taskId);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const runner = await this.#runnerOf(member);
      // Nobody runs it (it ended), or this replica does and its engine no longer has it live (it is ending).
      if (runner === undefined || runner === this.#options.replicaId) return undefined;
      const asked = await this.#ask(runner, { q: this.#newId(), from: this.#options.replicaId, m: member, r: request }, deadline);
      if (asked.kind === "answer") {
        const message = asked.message;
        if ("ok" in message) return message.ok as RemoteAnswers[K];
        if ("err" in message) throw new McpcError(message.err.code as McpcErrorCode, message.err.message);
        return undefined;
      }
      if (await this.#runnerIsGone(runner)) return undefined;
      if (asked.kind === "late" || Date.now() + RETRY_MS > deadline) {
        throw new McpcError(
          "REPLICA_UNREACHABLE",
          `Replica "${runner}", which runs task "${taskId}", did not answer within ${timeoutMs} ms (it still holds its lease). Try again.`,
        );
      }
      // Nobody listens on its channel yet it holds its lease: its subscriber is reconnecting.
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  whenEnded(owner: string, taskId: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.#closed) return Promise.resolve();
    const keys = this.#keys.task(owner, taskId);
    return new Promise<void>((resolve, reject) => {
      let waiters = this.#waiters.get(keys.ended);
      const first = waiters === undefined;
      if (!waiters) this.#waiters.set(keys.ended, (waiters = { owner, record: keys.record, wakers: new Set() }));
      const onAbort = (): void => {
        waiters.wakers.delete(waker);
        if (waiters.wakers.size === 0) this.#settle(keys.ended);
        reject(signal?.reason as Error);
      };
      const waker = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject: (error: Error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      waiters.wakers.add(waker);
      signal?.addEventListener("abort", onAbort, { once: true });
      if (first) void this.#watch(keys.ended, waiters);
    });
  }

  /** Subscribes to the task's end, then reads its record: an end published before the subscription is seen there. */
  async #watch(channel: string, waiters: EndWaiters): Promise<void> {
    try {
      // Told of the end, the record is read before anyone is woken: a batch that Redis partly refused
      // (its scripts forgotten after a restart) may have published an end it did not write yet; its retry publishes again.
      await this.#subscriber?.subscribe(channel, () => void this.#check([channel]));
    } catch (error) {
      this.#settle(channel, error instanceof Error ? error : new Error(messageOf(error)));
      return;
    }
    // Waiters that gave up meanwhile.
    if (this.#waiters.get(channel) !== waiters) {
      // Unless others wait for it again by now (on a subscription of their own, sent after this one).
      if (!this.#waiters.has(channel)) await this.#subscriber?.unsubscribe(channel).catch(() => undefined);
      return;
    }
    await this.#check([channel]);
  }

  /** Reads the records of every waited task again (after a reconnection, and every lease). */
  #checkWaited(): void {
    if (this.#waiters.size > 0) void this.#check([...this.#waiters.keys()]);
  }

  async #check(channels: string[]): Promise<void> {
    const records = channels.map((channel) => this.#waiters.get(channel)?.record ?? "");
    let values: unknown[];
    try {
      values = (await this.#connection.send(["MGET", ...records])) as unknown[];
    } catch {
      // Redis away: read again after the reconnection, or on the next round.
      return;
    }
    channels.forEach((channel, i) => {
      const waiters = this.#waiters.get(channel);
      if (!waiters) return;
      const record = decodeRecord(values[i], waiters.owner);
      // Ended, or gone (expired, removed): nothing more to wait for.
      if (!record || isTerminal(record.status)) this.#settle(channel);
    });
  }

  /** Wakes the waiters of one task's end (or fails them with `error`), and unsubscribes. */
  #settle(channel: string, error?: Error): void {
    const waiters = this.#waiters.get(channel);
    if (!waiters) return;
    this.#waiters.delete(channel);
    for (const waker of waiters.wakers) {
      if (error) waker.reject(error);
      else waker.resolve();
    }
    if (!this.#closed) this.#subscriber?.unsubscribe(channel).catch(() => undefined);
  }

  /** The replica whose running set holds the task, if any. */
  async #runnerOf(member: string): Promise<string | undefined> {
    const replicas = (await this.#connection.send(["SMEMBERS", this.#keys.replicas])) as string[];
    if (replicas.length === 0) return undefined;
    const found = await this.#connection.transaction(replicas.map((id) => ["SISMEMBER", this.#keys.running(id), member]));
    return replicas.find((_id, i) => found[i] === 1);
  }

  /** Publishes a request on the runner's channel and waits for its answer until `deadline`. */
  async #ask(runner: string, request: RequestMessage, deadline: number): Promise<Asked> {
    let answered: (message: AnswerMessage) => void = () => undefined;
    const answer = new Promise<AnswerMessage>((resolve) => (answered = resolve));
    this.#pending.set(request.q, answered);
    let timer: NodeJS.Timeout | undefined;
    try {
      const listeners = await this.#connection.send(["PUBLISH", this.#keys.control(runner), JSON.stringify(request)]);
      if (listeners === 0) return { kind: "nobody" };
      const late = new Promise<Asked>((resolve) => (timer = setTimeout(() => resolve({ kind: "late" }), Math.max(0, deadline - Date.now()))));
      return await Promise.race([answer.then((message): Asked => ({ kind: "answer", message })), late]);
    } finally {
      clearTimeout(timer);
      this.#pending.delete(request.q);
    }
  }

  /**
   * True when the runner no longer holds its lease and this replica may judge it:
   * its tasks are failed now (once, whoever notices first), so the request has nothing to act on.
   */
  async #runnerIsGone(runner: string): Promise<boolean> {
    if (!this.#lease.mayJudge() || (await this.#lease.holds(runner))) return false;
    await this.#lease.checkOthers();
    return true;
  }

  #newId(): string {
    return `${this.#idPrefix}-${++this.#nextId}`;
  }

  #onMessage(raw: string): void {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof message !== "object" || message === null) return;
    if (typeof (message as { a?: unknown }).a === "string") {
      const answer = message as AnswerMessage;
      this.#pending.get(answer.a)?.(answer);
      return;
    }
    const request = message as Partial<RequestMessage>;
    if (typeof request.q !== "string" || typeof request.from !== "string" || typeof request.m !== "string" || !validRequest(request.r)) return;
    void this.#answer(request as RequestMessage);
  }

  /** Acts on another replica's request through the engine, and publishes the answer on the asker's channel. */
  async #answer(request: RequestMessage): Promise<void> {
    const owner = this.#running.get(request.m);
    const keys = this.#keys.member(request.m);
    let answer: AnswerMessage;
    if (owner === undefined || keys === undefined || this.#handler === undefined) {
      answer = { a: request.q, gone: true };
    } else {
      try {
        answer = { a: request.q, ok: await this.#handler(owner, keys.taskId, request.r) };
      } catch (error) {
        const code = error instanceof McpcError ? error.code : "INVALID_STATE";
        answer = { a: request.q, err: { code, message: messageOf(error) } };
      }
    }
    try {
      await this.#connection.send(["PUBLISH", this.#keys.control(request.from), JSON.stringify(answer)]);
    } catch (error) {
      // The asker times out, and says so.
      this.#options.logger("warning", `answering replica "${request.from}" about a task failed: ${messageOf(error)}`);
    }
  }
}

function validRequest(request: unknown): request is RemoteRequest {
  if (typeof request !== "object" || request === null) return false;
  const { kind } = request as { kind?: unknown };
  if (kind === "stop") return typeof (request as { reason?: unknown }).reason === "string";
  return kind === "send" && Object.hasOwn(request, "message");
}
