import type { TaskRecord } from "mcpc/engine";
import type { Logger } from "mcpc";
import type { RedisConnection } from "./connection.js";
import type { KeySpace } from "./keys.js";
import { encodeStored, isTerminal } from "./recordCodec.js";
import { FAIL_TASK, FORGET_REPLICA } from "./scripts.js";

/** What a {@link ReplicaLease} needs to know. */
export interface ReplicaLeaseOptions {
  readonly replicaId: string;
  /** How long a lease lasts unless renewed; it is renewed every third of it. */
  readonly leaseMs: number;
  /** How long a task failed for a lapsed lease stays readable. */
  readonly failedTaskTtlMs: number;
  /** MAXLEN of the event logs, for the `failed` event. */
  readonly maxEventsPerTask: number;
  readonly logger: Logger;
}

/**
 * This replica's lease, and the watch over the others'. Every third of
 * `leaseMs` it renews `lease:<replicaId>` (`SET … PX leaseMs`) and looks at the
 * other replicas that run tasks: the running tasks of one whose lease has
 * lapsed (it was killed, or lost Redis for longer than the lease) are marked
 * `failed`, with a reason that names it, by whichever replica notices first,
 * exactly once (a compare-and-set on the record, see `FAIL_TASK`).
 */
export class ReplicaLease {
  readonly #connection: RedisConnection;
  readonly #keys: KeySpace;
  readonly #options: ReplicaLeaseOptions;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  /** When this replica last renewed its lease (local clock). */
  #renewedAt = 0;
  /** No other replica is judged before this time (see {@link #tick}). */
  #judgeAfter = 0;

  constructor(connection: RedisConnection, keys: KeySpace, options: ReplicaLeaseOptions) {
    this.#connection = connection;
    this.#keys = keys;
    this.#options = options;
  }

  /**
   * Takes the lease now and keeps renewing it; resolves once it is taken. Tasks
   * still counted as running under this replica's id are a previous process's
   * (one with the same `replicaId` that did not shut down cleanly): they fail now,
   * since this lease would otherwise keep them `working` for ever.
   */
  async start(): Promise<void> {
    const id = this.#options.replicaId;
    const count = await this.#failTasksOf(id, Date.now(), `Replica "${id}" restarted while the task ran; its outcome is unknown.`);
    if (count > 0) this.#options.logger("warning", `replica "${id}" restarted: ${count} task(s) of its previous run marked failed.`);
    await this.#renew();
    // A replica that just started does not know how long Redis has been away from the others: it waits one lease.
    this.#judgeAfter = this.#renewedAt + this.#options.leaseMs;
    const every = Math.max(1, Math.floor(this.#options.leaseMs / 3));
    this.#timer = setInterval(() => void this.#tick(), every);
    // The lease must not keep a process alive that has nothing else to do.
    this.#timer.unref();
  }

  /** Stops renewing and gives the lease up (a replica that shuts down cleanly has ended its tasks). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const id = this.#options.replicaId;
    await this.#connection.send(["DEL", this.#keys.lease(id)]);
    await this.#forget(id);
  }

  /**
   * Fails the running tasks of every replica whose lease has lapsed.
   * @returns how many tasks this call failed
   */
  async checkOthers(now = Date.now()): Promise<number> {
    const replicas = ((await this.#connection.send(["SMEMBERS", this.#keys.replicas])) as string[]).filter((id) => id !== this.#options.replicaId);
    if (replicas.length === 0) return 0;
    const leases = (await this.#connection.send(["MGET", ...replicas.map((id) => this.#keys.lease(id))])) as unknown[];
    let failed = 0;
    for (const [i, id] of replicas.entries()) {
      if (leases[i] !== null && leases[i] !== undefined) continue;
      const reason = `Replica "${id}" stopped renewing its lease (it stopped, or lost Redis) while the task ran; its outcome is unknown.`;
      const count = await this.#failTasksOf(id, now, reason);
      if (count > 0) this.#options.logger("warning", `replica "${id}" stopped renewing its lease: ${count} of its running task(s) marked failed.`);
      failed += count;
      await this.#forget(id);
    }
    return failed;
  }

  /**
   * True once this replica may judge the others' leases: it has held its own
   * for a whole lease without a gap (since it started, reconnected or stalled;
   * see {@link #tick}). Before that, a lease that looks lapsed may have lapsed
   * for the same outage this replica just came through.
   */
  mayJudge(now = Date.now()): boolean {
    return now >= this.#judgeAfter && now - this.#connection.readySince >= this.#options.leaseMs;
  }

  /** True while the replica's lease is held (it renews it). */
  async holds(replicaId: string): Promise<boolean> {
    return (await this.#connection.send(["EXISTS", this.#keys.lease(replicaId)])) === 1;
  }

  async #tick(): Promise<void> {
    // A tick that outlasts the interval (Redis slow) is not doubled.
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      const { leaseMs } = this.#options;
      const previous = this.#renewedAt;
      await this.#renew();
      // Renewals normally come a third of a lease apart. A longer gap means Redis (or the link to it, or
      // this process) stalled, and the other replicas' leases may have run out for the same reason: they
      // get one whole lease to renew before anybody is judged. Likewise after a reconnection.
      if (this.#renewedAt - previous > leaseMs / 2) this.#judgeAfter = this.#renewedAt + leaseMs;
      if (this.mayJudge()) await this.checkOthers();
    } catch {
      // Redis away: the connection reports it once; the next tick tries again.
    } finally {
      this.#ticking = false;
    }
  }

  async #renew(): Promise<void> {
    const { replicaId, leaseMs } = this.#options;
    await this.#connection.send(["SET", this.#keys.lease(replicaId), String(Date.now()), "PX", String(leaseMs)]);
    this.#renewedAt = Date.now();
  }

  async #failTasksOf(replicaId: string, now: number, reason: string): Promise<number> {
    const running = this.#keys.running(replicaId);
    const members = (await this.#connection.send(["SMEMBERS", running])) as string[];
    let failed = 0;
    for (const member of members) {
      const keys = this.#keys.member(member);
      if (!keys) continue;
      const current = await this.#connection.send(["GET", keys.record]);
      const next = typeof current === "string" ? failedRecord(current, reason, now, this.#options.failedTaskTtlMs) : undefined;
      if (!next) {
        // Gone or ended meanwhile: nothing to fail.
        await this.#connection.send(["SREM", running, member]);
        continue;
      }
      const changed = await this.#connection.send([
        "EVALSHA",
        FAIL_TASK.sha,
        "4",
        keys.record,
        keys.events,
        this.#keys.expiries,
        running,
        current as string,
        next.json,
        String(next.expiresAt),
        `${next.seq}-0`,
        JSON.stringify(next.error),
        member,
        String(this.#options.maxEventsPerTask),
        keys.ended,
      ]);
      if (changed === 1) failed++;
    }
    return failed;
  }

  #forget(replicaId: string): Promise<unknown> {
    return this.#connection.send(["EVALSHA", FORGET_REPLICA.sha, "3", this.#keys.lease(replicaId), this.#keys.running(replicaId), this.#keys.replicas, replicaId]);
  }
}

/** The record stored as `current`, ended `failed` with `error`; undefined when it has ended already or is not a record. */
function failedRecord(
  current: string,
  error: string,
  now: number,
  ttlMs: number,
): { json: string; seq: number; error: string; expiresAt: number } | undefined {
  let stored: Omit<TaskRecord, "owner">;
  try {
    stored = JSON.parse(current) as Omit<TaskRecord, "owner">;
  } catch {
    return undefined;
  }
  if (typeof stored !== "object" || stored === null || typeof stored.seq !== "number" || isTerminal(String(stored.status))) return undefined;
  // As the engine does: a task with a retention of its own keeps it, counted from creation, at least a minute after its end.
  const expiresAt = stored.ttl_ms === undefined ? now + ttlMs : Math.max(stored.created_at + stored.ttl_ms, now + Math.min(stored.ttl_ms, 60_000));
  const seq = stored.seq + 1;
  const json = encodeStored({ ...stored, status: "failed", error, seq, updated_at: now, finished_at: now, expires_at: expiresAt });
  return { json, seq, error, expiresAt };
}
