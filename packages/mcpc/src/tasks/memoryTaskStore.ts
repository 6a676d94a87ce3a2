import type { TaskRecord, TaskStore } from "./taskStore.js";

/**
 * The default {@link TaskStore}: a map per owner, in this process.
 *
 * @example
 * ```ts
 * new DataTools({ name: "x", version: "1", tasks: { store: new MemoryTaskStore() } });
 * ```
 */
export class MemoryTaskStore implements TaskStore {
  readonly #owners = new Map<string, Map<string, TaskRecord>>();

  create(record: TaskRecord): boolean {
    let tasks = this.#owners.get(record.owner);
    if (!tasks) {
      tasks = new Map();
      this.#owners.set(record.owner, tasks);
    }
    if (tasks.has(record.task_id)) return false;
    tasks.set(record.task_id, record);
    return true;
  }

  save(record: TaskRecord): void {
    // Running records are the very objects the map holds: nothing to write.
    const tasks = this.#owners.get(record.owner);
    if (tasks && tasks.get(record.task_id) !== record) tasks.set(record.task_id, record);
  }

  get(owner: string, taskId: string): TaskRecord | undefined {
    return this.#owners.get(owner)?.get(taskId);
  }

  list(owner: string): TaskRecord[] {
    return [...(this.#owners.get(owner)?.values() ?? [])];
  }

  delete(owner: string, taskId: string): boolean {
    const tasks = this.#owners.get(owner);
    if (!tasks) return false;
    const deleted = tasks.delete(taskId);
    if (tasks.size === 0) this.#owners.delete(owner);
    return deleted;
  }

  sweep(now: number): number {
    let removed = 0;
    for (const [owner, tasks] of this.#owners) {
      for (const [id, record] of tasks) {
        if (record.expires_at !== undefined && record.expires_at <= now) {
          tasks.delete(id);
          removed++;
        }
      }
      if (tasks.size === 0) this.#owners.delete(owner);
    }
    return removed;
  }
}
