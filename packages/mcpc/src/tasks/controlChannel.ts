import type { TaskSnapshot } from "../protocol/message.js";

/**
 * A request about a task, from a replica that does not run it to the one that
 * does (see {@link TaskControlChannel}): stop it, or hand it a message (task input).
 */
export type RemoteRequest = { kind: "stop"; reason: string } | { kind: "send"; message: unknown };

/** What the running replica answers to each kind of {@link RemoteRequest}. */
export interface RemoteAnswers {
  /** The task once its stop took effect (or as it was, when it had ended), and whether this stop ended it. */
  stop: { task: TaskSnapshot; stopped: boolean };
  /** Whether the message answered the task's question, and how many messages wait in its inbox now. */
  send: { answered: boolean; queued: number };
}

/** The kinds of {@link RemoteRequest}. */
export type RemoteRequestKind = RemoteRequest["kind"];

/**
 * Acts on a request from another replica about a task this replica runs, here
 * (never forwarded again). Rejects with an `McpcError` to answer with it.
 */
export type RemoteHandler = (owner: string, taskId: string, request: RemoteRequest) => Promise<RemoteAnswers[RemoteRequestKind]>;

/**
 * The control channel of a store that several replicas share: what carries a
 * `stop` (MCP `tasks/cancel`, `task_stop`), task input and a wait for a task's
 * end from the replica a request reached to the replica that runs the task.
 * The engine uses it only for tasks that are not live in its own process; the
 * in-memory store has none (one process runs every task it knows).
 *
 * @example
 * ```ts
 * import type { TaskControlChannel } from "mcpc/engine";
 *
 * declare const control: TaskControlChannel;
 * const answer = await control.forward("principal-1", "task-7", { kind: "stop", reason: "Stopped by the client" }, 10_000);
 * if (answer === undefined) console.error("no replica runs it any more");
 * ```
 */
export interface TaskControlChannel {
  /**
   * Hands `request` to the replica that runs the owner's task and resolves with
   * its answer, or with undefined when no replica runs it: it has ended, or its
   * replica is gone (a lapsed lease: the task is then failed, and the record says so).
   * Rejects with the running replica's `McpcError`, or `REPLICA_UNREACHABLE` when
   * that replica, still holding its lease, did not answer within `timeoutMs`.
   */
  forward<K extends RemoteRequestKind>(
    owner: string,
    taskId: string,
    request: Extract<RemoteRequest, { kind: K }>,
    timeoutMs: number,
  ): Promise<RemoteAnswers[K] | undefined>;
  /**
   * Resolves once the owner's task, run by another replica, has ended (at once
   * when it has, or is unknown); rejects with `signal`'s reason when it aborts first.
   */
  whenEnded(owner: string, taskId: string, signal?: AbortSignal): Promise<void>;
  /**
   * Installs what acts on requests from other replicas about this replica's
   * tasks. The engine calls it once, when it is made with the store (a later
   * engine on the same store takes the channel over).
   */
  listen(handler: RemoteHandler): void;
}
