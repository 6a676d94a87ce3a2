/* eslint-disable require-yield -- a task that only waits and returns is a case under test. */
/** A task registry under test, with trackers of its tasks' events: created per test, shut down after each. */
import { afterEach, expect } from "vitest";
import { McpcError } from "../../src/errors.js";
import { TaskRegistry, type TaskEngineOptions, type TaskEvent, type TaskStartSpec } from "../../src/tasks/taskRegistry.js";
import { gate, waitFor, type Gate } from "./async.js";

const registries: TaskRegistry[] = [];
const gates: Gate[] = [];

export function makeRegistry(options: TaskEngineOptions = {}): TaskRegistry {
  const registry = new TaskRegistry(options);
  registries.push(registry);
  return registry;
}

/** A gate that afterEach opens, so no generator is left suspended. */
export function testGate(): Gate {
  const g = gate();
  gates.push(g);
  return g;
}

afterEach(async () => {
  for (const g of gates.splice(0)) g.open();
  await Promise.all(registries.splice(0).map((registry) => registry.shutdown("test over", 500)));
});

/** Records one task's events and heartbeats. */
export function tracker() {
  const events: TaskEvent[] = [];
  const eventTimes: number[] = [];
  const heartbeats: { seq: number; at: number }[] = [];
  return {
    events,
    eventTimes,
    heartbeats,
    onEvent: (event: TaskEvent) => {
      events.push(event);
      eventTimes.push(Date.now());
    },
    onHeartbeat: (seq: number) => void heartbeats.push({ seq, at: Date.now() }),
    terminals: () => events.filter((e) => e.event === "complete" || e.event === "failed" || e.event === "cancelled"),
    ended: () => waitFor(() => events.some((e) => e.event === "complete" || e.event === "failed" || e.event === "cancelled"), "a terminal event"),
  };
}

export type Tracker = ReturnType<typeof tracker>;

export function spec(t: Tracker, run: TaskStartSpec["run"], extra: Partial<TaskStartSpec> = {}): TaskStartSpec {
  return { owner: "s1", toolName: "tool", run, onEvent: t.onEvent, onHeartbeat: t.onHeartbeat, ...extra };
}

/** A generator that waits on a gate, then returns `value`. */
export function waiting(g: Gate, value: unknown = "done"): TaskStartSpec["run"] {
  return async function* () {
    await g.promise;
    return value;
  };
}

export async function rejection(promise: Promise<unknown>): Promise<McpcError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpcError);
  return error as McpcError;
}

