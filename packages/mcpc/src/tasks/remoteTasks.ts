import { McpcError } from "../errors.js";
import type { TaskSnapshot } from "../protocol/message.js";
import type { RemoteAnswers, RemoteRequest } from "./controlChannel.js";
import type { TaskStore } from "./taskStore.js";

/**
 * The engine's side of a store's control channel (`TaskStore.control`), kept out
 * of the registry: what it does with a task that another replica runs. A store
 * without a channel (the in-memory one) keeps the single-process behaviour:
 * such a task is not running anywhere, so a stop answers its state and a wait ends at once.
 */

/** How long a forwarded request waits beyond the stop's grace period for the running replica's answer. */
export const ANSWER_MARGIN_MS = 3_000;

/** True for the statuses a task never leaves. */
export function hasEnded(task: Pick<TaskSnapshot, "status">): boolean {
  return task.status === "completed" || task.status === "failed" || task.status === "cancelled";
}

/**
 * Stops the owner's task that is not live in this process: forwarded to the
 * replica that runs it, which stops it there (its `finally` blocks run there,
 * its one `cancelled` event is its own) and answers once it has ended.
 * `read` is the engine's `get` (`UNKNOWN_TASK` for another owner's task).
 */
export async function stopElsewhere(
  store: TaskStore,
  owner: string,
  taskId: string,
  reason: string,
  graceMs: number,
  read: () => Promise<TaskSnapshot>,
): Promise<RemoteAnswers["stop"]> {
  const task = await read();
  if (store.control === undefined || hasEnded(task)) return { task, stopped: false };
  const answer = await store.control.forward(owner, taskId, { kind: "stop", reason }, graceMs + ANSWER_MARGIN_MS);
  // No replica runs it any more: it ended meanwhile, or its replica is gone (then it was failed).
  return answer ?? { task: await read(), stopped: false };
}

/** Resolves once the owner's task, not live in this process, has ended elsewhere (at once without a control channel). */
export function whenEndedElsewhere(store: TaskStore, owner: string, taskId: string, signal: AbortSignal | undefined): Promise<void> {
  if (store.control === undefined) return Promise.resolve();
  return store.control.whenEnded(owner, taskId, signal);
}

/**
 * Hands a message to the owner's task that another replica runs (task input).
 * Resolves undefined when no replica runs it (it has ended; the caller says so).
 * @throws McpcError `INVALID_STATE` when the store has no control channel
 */
export async function sendElsewhere(store: TaskStore, owner: string, taskId: string, message: unknown, timeoutMs: number): Promise<RemoteAnswers["send"] | undefined> {
  if (store.control === undefined) {
    throw new McpcError("INVALID_STATE", `Task "${taskId}" is not running in this process, and its store has no control channel to reach it.`);
  }
  return store.control.forward(owner, taskId, { kind: "send", message }, timeoutMs);
}

/** What acts on a request from another replica: the engine's own stop, and whoever takes task input (the inboxes). */
export interface RemoteActions {
  stopHere(owner: string, taskId: string, reason: string): Promise<RemoteAnswers["stop"]>;
  sendHere: ((owner: string, taskId: string, message: unknown) => Promise<RemoteAnswers["send"]>) | undefined;
}

/** Acts on one request from another replica, in this process. */
export function answerRemote(actions: RemoteActions, owner: string, taskId: string, request: RemoteRequest): Promise<RemoteAnswers[RemoteRequest["kind"]]> {
  if (request.kind === "stop") return actions.stopHere(owner, taskId, request.reason);
  if (actions.sendHere === undefined) {
    return Promise.reject(new McpcError("NO_INBOX", `Task "${taskId}" runs on a replica whose server takes no task input.`));
  }
  return actions.sendHere(owner, taskId, request.message);
}
