import { describe, expect, it } from "vitest";
import { MemoryTaskStore } from "../../src/tasks/memoryTaskStore.js";
import type { TaskRecord } from "../../src/tasks/taskStore.js";

function record(owner: string, taskId: string, extra: Partial<TaskRecord> = {}): TaskRecord {
  return { owner, task_id: taskId, tool_name: "tool", status: "working", seq: 1, created_at: 0, updated_at: 0, ...extra };
}

describe("MemoryTaskStore", () => {
  it("creates a record once per (owner, task id) and keeps the first on a duplicate", () => {
    const store = new MemoryTaskStore();
    const first = record("s1", "t");
    expect(store.create(first)).toBe(true);
    expect(store.create(record("s1", "t", { tool_name: "other" }))).toBe(false);
    expect(store.get("s1", "t")).toBe(first);
    expect(store.create(record("s2", "t"))).toBe(true);
  });

  it("never answers for another owner", () => {
    const store = new MemoryTaskStore();
    store.create(record("s1", "t"));
    expect(store.get("s2", "t")).toBeUndefined();
    expect(store.list("s2")).toEqual([]);
    expect(store.delete("s2", "t")).toBe(false);
    expect(store.get("s1", "t")).toBeDefined();
  });

  it("lists an owner's records oldest first and deletes them", () => {
    const store = new MemoryTaskStore();
    for (const id of ["a", "b", "c"]) store.create(record("s1", id));
    expect(store.list("s1").map((r) => r.task_id)).toEqual(["a", "b", "c"]);
    expect(store.delete("s1", "b")).toBe(true);
    expect(store.delete("s1", "b")).toBe(false);
    expect(store.list("s1").map((r) => r.task_id)).toEqual(["a", "c"]);
  });

  it("save() stores a replacement record object under its key", () => {
    const store = new MemoryTaskStore();
    store.create(record("s1", "t"));
    const replacement = record("s1", "t", { status: "completed", seq: 2 });
    store.save(replacement);
    expect(store.get("s1", "t")).toBe(replacement);
  });

  it("sweep() removes only records whose expiry has passed", () => {
    const store = new MemoryTaskStore();
    store.create(record("s1", "running"));
    store.create(record("s1", "expired", { status: "completed", expires_at: 100 }));
    store.create(record("s2", "fresh", { status: "completed", expires_at: 300 }));
    expect(store.sweep(200)).toBe(1);
    expect(store.list("s1").map((r) => r.task_id)).toEqual(["running"]);
    expect(store.list("s2").map((r) => r.task_id)).toEqual(["fresh"]);
    expect(store.sweep(300)).toBe(1);
    expect(store.list("s2")).toEqual([]);
  });
});
