import type { TaskRecord } from "mcpc/engine";
import type { Logger } from "mcpc";
import type { RedisConnection } from "./connection.js";
import type { KeySpace } from "./keys.js";
import { encodeStored, isTerminal } from "./recordCodec.js";
import { FAIL_TASK, FORGET_REPLICA } from "./scripts.js";

/**
 * At how many of its ticks in a row a replica must find another's lease missing
 * before it judges it: see {@link ReplicaLease} `#look`.
 */
const LOOKS_TO_JUDGE = 3;

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
 * exactly once (a compare-and-set on the record, see `FAIL_TASK`). On the ticks
 * a lease is judged once it has been missing at three looks in a row.
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
  /** The other replicas whose lease was missing at the latest looks, and at how many in a row (see {@link #look}). */
  #suspects = new Map<string, number>();

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
   * Fails, now, the running tasks of every replica whose lease has lapsed (its
   * caller has seen enough: `checkReplicas()`, or a runner that does not answer).
   * @returns how many tasks this call failed
   */
  async checkOthers(now = Date.now()): Promise<number> {
    let failed = 0;
    for (const id of await this.#lapsed()) failed += await this.#judge(id, now);
    return failed;
  }

  /**
   * True once this replica may judge the others' leases: a whole lease has
   * passed since it started, since it reconnected, and since it last went a
   * whole lease without renewing its own (see {@link #tick}). Before that, a
   * lease that looks lapsed may have lapsed for the same outage this replica
   * just came through, and its holder may still be reconnecting.
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
      // A whole lease between two renewals: this replica's own lease lapsed. Redis, the link to it or this
      // process was away that long, and so may the others have been (and be reconnecting still, with a
      // backoff of up to 2 s): they get a whole lease to renew before anybody is judged, as after a
      // reconnection. Shorter gaps postpone nothing: a loaded event loop makes gaps of over half a lease
      // common, and a replica that postponed at each would never judge anyone (a killed replica's tasks
      // would stay `working`). What a short stall may have made look lapsed, #look's repeated looks clear up.
      if (this.#renewedAt - previous >= leaseMs) this.#judgeAfter = this.#renewedAt + leaseMs;
      if (this.mayJudge()) await this.#look();
      // Looks from before an outage say nothing about after it.
      else this.#suspects.clear();
    } catch {
      // Redis away: the connection reports it once; the next tick tries again.
    } finally {
      this.#ticking = false;
    }
  }

  /**
   * The tick's look at the others. A replica whose lease is missing is judged
   * once it has been missing at {@link LOOKS_TO_JUDGE} looks in a row, two
   * renewal intervals (two thirds of a lease) at least. A lease can look lapsed
   * to one look for a moment: Redis froze, or the host paused, or this process
   * stalled between its renewal and its read, and the holder, held up by the
   * same stall, has not renewed yet. A live holder renews within two intervals
   * (its overdue timer fires as soon as it runs again); one that cannot is
   * behind by as much as would lapse its lease in any case.
   */
  async #look(): Promise<void> {
    const suspects = new Map<string, number>();
    for (const id of await this.#lapsed()) suspects.set(id, (this.#suspects.get(id) ?? 0) + 1);
    this.#suspects = suspects;
    for (const [id, looks] of suspects) {
      if (looks >= LOOKS_TO_JUDGE) await this.#judge(id, Date.now());
    }
  }

  /** The other replicas (that run or ran tasks) whose lease is missing. */
  async #lapsed(): Promise<string[]> {
    const replicas = ((await this.#connection.send(["SMEMBERS", this.#keys.replicas])) as string[]).filter((id) => id !== this.#options.replicaId);
    if (replicas.length === 0) return [];
    const leases = (await this.#connection.send(["MGET", ...replicas.map((id) => this.#keys.lease(id))])) as unknown[];
    return replicas.filter((_id, i) => leases[i] === null || leases[i] === undefined);
  }

  /**
   * Fails the running tasks of a replica whose lease was read as lapsed, and forgets it.
   * @returns how many tasks this call failed
   */
  async #judge(replicaId: string, now: number): Promise<number> {
    const reason = `Replica "${replicaId}" stopped renewing its lease (it stopped, or lost Redis) while the task ran; its outcome is unknown.`;
    // With its lease: FAIL_TASK refuses if the lease is back (the replica restarted under its id since it was read).
    const count = await this.#failTasksOf(replicaId, now, reason, this.#keys.lease(replicaId));
    if (count > 0) this.#options.logger("warning", `replica "${replicaId}" stopped renewing its lease: ${count} of its running task(s) marked failed.`);
    await this.#forget(replicaId);
    return count;
  }

  async #renew(): Promise<void> {
    const { replicaId, leaseMs } = this.#options;
    await this.#connection.send(["SET", this.#keys.lease(replicaId), String(Date.now()), "PX", String(leaseMs)]);
    this.#renewedAt = Date.now();
  }

  /** `lease`: the judged replica's (see `FAIL_TASK`); none for this replica's own previous run. */
  async #failTasksOf(replicaId: string, now: number, reason: string, lease?: string): Promise<number> {
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
      const scriptKeys = [keys.record, keys.events, this.#keys.expiries, running, ...(lease === undefined ? [] : [lease])];
      const changed = await this.#connection.send([
        "EVALSHA",
        FAIL_TASK.sha,
        String(scriptKeys.length),
        ...scriptKeys,
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
