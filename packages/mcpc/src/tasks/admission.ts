/**
 * One concurrency limit of the task engine: at most `limit` holders at once,
 * the rest wait in order (first in, first out).
 *
 * The engine used p-queue for this. A limit is all it needs, and p-queue's
 * per-task promise, closures and async wrapper were ≈1 KB held by every live
 * task (at K = 1,000 tasks, a tenth of the engine's memory) plus a module load
 * at start-up; here a waiting task is one array slot, a running one a count.
 */
export class Admission<T> {
  readonly limit: number;
  #running = 0;
  #waiting: T[] = [];
  /** Index of the next waiting item: taking from the front is O(1), the array is compacted now and then. */
  #head = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Holders now. */
  get running(): number {
    return this.#running;
  }

  /** Items waiting for a place. */
  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /** True when nobody holds a place and nobody waits. */
  get idle(): boolean {
    return this.#running === 0 && this.waiting === 0;
  }

  /** Takes a place for `item` (true: it may run now) or puts it in line (false: {@link leave} hands it over later). */
  enter(item: T): boolean {
    if (this.#running < this.limit) {
      this.#running++;
      return true;
    }
    this.#waiting.push(item);
    return false;
  }

  /** A holder is done: its place goes to the first in line, which is returned (it may run now), if any. */
  leave(): T | undefined {
    if (this.#head < this.#waiting.length) {
      const next = this.#waiting[this.#head] as T;
      this.#waiting[this.#head] = undefined as T;
      this.#head++;
      if (this.#head === this.#waiting.length) {
        this.#waiting = [];
        this.#head = 0;
      } else if (this.#head >= 1_024 && this.#head * 2 >= this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#head);
        this.#head = 0;
      }
      return next;
    }
    this.#running--;
    return undefined;
  }
}
