import { McpcError } from "../errors.js";
import { Admission } from "./admission.js";

/** What the scheduler needs of a task: whose it is. */
interface Scheduled {
  readonly record: { readonly owner: string };
}

/**
 * The engine's concurrency limits: per owner (its running tasks and its line)
 * and, when set, across the server. A task first takes its owner's place, then
 * the server's; each place goes to the next in line when its holder is released.
 */
export class Scheduler<T extends Scheduled> {
  readonly #perOwner: number;
  readonly #maxQueued: number;
  /** Per owner: its running tasks and its line. Dropped when idle, made again on demand. */
  readonly #owners = new Map<string, Admission<T>>();
  /** Across owners, when `maxRunning` is set: a task holds its owner's place while it waits here. */
  readonly #server: Admission<T> | undefined;
  readonly #run: (task: T) => void;

  /** `run` starts a task that got every place it needs. */
  constructor(limits: { maxRunningPerSession: number; maxQueuedPerSession: number; maxRunning: number }, run: (task: T) => void) {
    this.#perOwner = limits.maxRunningPerSession;
    this.#maxQueued = limits.maxQueuedPerSession;
    if (Number.isFinite(limits.maxRunning)) this.#server = new Admission(limits.maxRunning);
    this.#run = run;
  }

  /** @throws McpcError `TASK_LIMIT` when `owner`'s line is full. */
  checkRoom(owner: string): void {
    const line = this.#owners.get(owner);
    if (line && line.waiting >= this.#maxQueued) {
      throw new McpcError(
        "TASK_LIMIT",
        `Too many tasks in this session: ${line.running} running and ${line.waiting} queued ` +
          `(limit ${this.#maxQueued} queued). Wait for some to finish, or stop them.`,
      );
    }
  }

  /** Takes the task's places: it runs now, or when its turn comes. */
  enter(task: T): void {
    const owner = task.record.owner;
    let line = this.#owners.get(owner);
    if (!line) this.#owners.set(owner, (line = new Admission(this.#perOwner)));
    if (line.enter(task)) this.#admitted(task);
  }

  /** The task holds no place any more: each goes to the next in line. Call once per entered task. */
  release(task: T): void {
    const server = this.#server;
    if (server) {
      const next = server.leave();
      if (next) this.#run(next);
    }
    const owner = task.record.owner;
    const line = this.#owners.get(owner);
    if (!line) return;
    const next = line.leave();
    if (next) this.#admitted(next);
    else if (line.idle) this.#owners.delete(owner);
  }

  /** The task has its owner's place; it runs now, or once the server has a place too. */
  #admitted(task: T): void {
    if (this.#server?.enter(task) === false) return;
    this.#run(task);
  }
}
