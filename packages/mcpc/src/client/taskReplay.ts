import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { z } from "zod";
import { MCPC_METHODS, TERMINAL_EVENTS, type TaskEventName } from "../protocol/message.js";
import type { McpcDialect } from "./clientOptions.js";
import { requestNative } from "./nativeRequest.js";

/**
 * Catching up on a task from its server's event log (`mcpc/tasks/events`): a
 * client that moved to another replica (its own died, or the balancer moved
 * it) reads what it missed there, then follows the log until the task ends.
 * Live events reach only sessions of the replica that runs a task; the log is
 * in the store every replica shares (see docs/scaling.md).
 */

/** One logged event of a task, as `mcpc/tasks/events` answers it. */
export interface LoggedTaskEvent {
  event: TaskEventName;
  /** The task's events are counted from 1 (`created`), without gaps. */
  seq: number;
  payload: unknown;
}

/** Options of `McpcClient.replay`. */
export interface ReplayOptions {
  /** Replay the events after this one (default 0: all of them). */
  afterSeq?: number;
  /** How long to wait before reading the log again while the task runs and nothing new is logged (default 500 ms). */
  pollMs?: number;
  /** Stops the replay (the iterator ends). */
  signal?: AbortSignal;
}

const EventsResult = z.looseObject({
  events: z.array(z.looseObject({ event: z.enum(["created", "update", "complete", "failed", "cancelled"]), seq: z.number(), payload: z.unknown() })),
});

/** The connection a replay reads through: the SDK client and the dialect it negotiated. */
export interface ReplaySource {
  readonly sdk: Client;
  readonly dialect: McpcDialect;
}

/**
 * One page of a task's logged events after `afterSeq`.
 * @throws McpcError `UNKNOWN_TASK`; `INVALID_STATE` when the server's store keeps no log, or the connection is not native MCPC
 */
export async function readTaskEvents(source: ReplaySource, taskId: string, afterSeq = 0, limit?: number): Promise<LoggedTaskEvent[]> {
  const params = { task_id: taskId, after_seq: afterSeq, ...(limit !== undefined && { limit }) };
  const answer = await requestNative(source.sdk, source.dialect, MCPC_METHODS.events, params, EventsResult);
  return answer.events as LoggedTaskEvent[];
}

/**
 * Every logged event of the task after `afterSeq`, in order, once each, then
 * the ones logged later, until its terminal event (or the signal aborts). A log
 * bounded by the server may have dropped the oldest: the first `seq` tells.
 */
export async function* replayTaskEvents(source: ReplaySource, taskId: string, options: ReplayOptions = {}): AsyncGenerator<LoggedTaskEvent, void, undefined> {
  let after = options.afterSeq ?? 0;
  const pollMs = options.pollMs ?? 500;
  while (!options.signal?.aborted) {
    const page = await readTaskEvents(source, taskId, after);
    for (const event of page) {
      // A page may overlap what was read (nothing in the protocol forbids it): each seq goes out once.
      if (event.seq <= after) continue;
      after = event.seq;
      yield event;
      if (TERMINAL_EVENTS.has(event.event)) return;
    }
    if (page.length === 0) await pause(pollMs, options.signal);
  }
}

/** Waits `ms`, or less when the signal aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
