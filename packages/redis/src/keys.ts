import { createHash } from "node:crypto";
import type { TaskRecord } from "mcpc/engine";

/** The Redis keys of one task. */
export interface TaskKeys {
  /** The owner as it appears in keys (see {@link KeySpace.ownerId}). */
  readonly ownerId: string;
  readonly taskId: string;
  /** STRING: the record as JSON, without its owner; expires with the task (`PXAT`). */
  readonly record: string;
  /** STREAM: the task's events, entry id `<seq>-0`, fields `e` (event) and `p` (payload JSON). */
  readonly events: string;
  /** ZSET: the owner's task ids, scored by creation time. */
  readonly owner: string;
  /** The task's member in the expiry index: `<ownerId>:<taskId>`. */
  readonly member: string;
  /** The pub/sub channel told when the task ends (its status is the message): what replicas waiting for its end listen on. */
  readonly ended: string;
}

/**
 * Where everything lives in Redis, under one prefix:
 *
 * - `<prefix>task:<ownerId>:<taskId>` the record, `<prefix>events:<ownerId>:<taskId>` its event log,
 * - `<prefix>owner:<ownerId>` the owner's task ids by creation time,
 * - `<prefix>expiries` every finished task by the time it may go (what `sweep` reads),
 * - `<prefix>replicas` the replicas that run or ran tasks, `<prefix>lease:<replicaId>` each one's
 *   lease (it expires unless renewed), `<prefix>running:<replicaId>` the tasks it runs (expiry members).
 *
 * And two kinds of pub/sub channel: `<prefix>control:<replicaId>`, where a
 * replica hears requests about the tasks it runs and answers to its own
 * requests, and `<prefix>ended:<ownerId>:<taskId>`, told when that task ends.
 *
 * Owners appear only as a hash: an owner may be an authenticated principal
 * (a token, even), and key names show up in `SCAN`, `MONITOR` and slow logs.
 */
export class KeySpace {
  readonly #prefix: string;
  /** The expiry index. */
  readonly expiries: string;
  /** The replica index. */
  readonly replicas: string;
  /** Keys per record object: the registry hands the same object to every save, so they are built once per task. */
  readonly #byRecord = new WeakMap<TaskRecord, TaskKeys>();

  constructor(prefix: string) {
    this.#prefix = prefix;
    this.expiries = `${prefix}expiries`;
    this.replicas = `${prefix}replicas`;
  }

  /** A replica's lease. */
  lease(replicaId: string): string {
    return `${this.#prefix}lease:${replicaId}`;
  }

  /** The pub/sub channel of a replica's requests and answers. */
  control(replicaId: string): string {
    return `${this.#prefix}control:${replicaId}`;
  }

  /** The tasks a replica runs (expiry members). */
  running(replicaId: string): string {
    return `${this.#prefix}running:${replicaId}`;
  }

  /** 128 bits of SHA-256, base64url: no `:` (so members split at the first one), no way back to the owner. */
  ownerId(owner: string): string {
    return createHash("sha256").update(owner).digest("base64url").slice(0, 22);
  }

  /** The keys of the owner's task. */
  task(owner: string, taskId: string): TaskKeys {
    return this.taskOf(this.ownerId(owner), taskId);
  }

  /** The keys of a record's task, built once per record object. */
  of(record: TaskRecord): TaskKeys {
    let keys = this.#byRecord.get(record);
    if (!keys) this.#byRecord.set(record, (keys = this.task(record.owner, record.task_id)));
    return keys;
  }

  /** The owner's index of task ids. */
  owner(owner: string): string {
    return `${this.#prefix}owner:${this.ownerId(owner)}`;
  }

  /** The keys of a member of the expiry index, or undefined for one this layout did not write. */
  member(member: string): TaskKeys | undefined {
    const colon = member.indexOf(":");
    return colon <= 0 ? undefined : this.taskOf(member.slice(0, colon), member.slice(colon + 1));
  }

  /** The keys of a task, by the owner's id in keys (when listing one owner's tasks, hashed once). */
  taskOf(ownerId: string, taskId: string): TaskKeys {
    const p = this.#prefix;
    return {
      ownerId,
      taskId,
      record: `${p}task:${ownerId}:${taskId}`,
      events: `${p}events:${ownerId}:${taskId}`,
      owner: `${p}owner:${ownerId}`,
      member: `${ownerId}:${taskId}`,
      ended: `${p}ended:${ownerId}:${taskId}`,
    };
  }
}
