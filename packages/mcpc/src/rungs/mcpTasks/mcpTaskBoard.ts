import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { CallSession } from "../../call/callSession.js";
import type { ResolvedMcpTasksOptions } from "./mcpTaskOptions.js";
import type { TaskViewDefaults } from "./mcpTaskView.js";

/**
 * One session's MCP tasks: the options they are served with, and the open
 * `tasks/result` requests of its running ones. A task that asks the client
 * something (`elicit`, `sample`) sends the request on such a request's stream
 * (spec 2025-11-25: the client calls `tasks/result` when it sees
 * `input_required`); over Streamable HTTP that is the one stream certain to be
 * read. A session has a board only where MCP tasks are served (an `McpcServer`
 * session, not the helper's over a user's own SDK server).
 */
export class McpTaskBoard {
  readonly options: ResolvedMcpTasksOptions;
  readonly view: TaskViewDefaults;
  /** Open `tasks/result` requests, by task id, oldest first. */
  readonly #streams = new Map<string, RequestId[]>();
  /** Asks waiting for a `tasks/result` stream of their task. */
  readonly #waiting = new Map<string, Set<(requestId: RequestId | undefined) => void>>();

  constructor(options: ResolvedMcpTasksOptions, engineTtlMs: number) {
    this.options = options;
    this.view = { ttlMs: engineTtlMs, pollIntervalMs: options.pollIntervalMs };
  }

  /** A `tasks/result` for `taskId` is open on `requestId` until the returned function is called. */
  openStream(taskId: string, requestId: RequestId): () => void {
    let open = this.#streams.get(taskId);
    if (!open) this.#streams.set(taskId, (open = []));
    open.push(requestId);
    const waiting = this.#waiting.get(taskId);
    if (waiting) {
      this.#waiting.delete(taskId);
      for (const wake of waiting) wake(requestId);
    }
    return () => {
      const list = this.#streams.get(taskId);
      if (!list) return;
      const at = list.indexOf(requestId);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.#streams.delete(taskId);
    };
  }

  /**
   * The stream a request of `taskId` to the client goes on: an open
   * `tasks/result`'s, else (on a connection with several streams) the first one
   * opened within `waitMs`; undefined means the session's own stream (stdio, the
   * legacy SSE stream, or Streamable HTTP's GET stream when none opened in time).
   */
  streamFor(taskId: string, oneStream: boolean, waitMs: number, signal: AbortSignal): Promise<RequestId | undefined> {
    const open = this.#streams.get(taskId);
    if (open && open.length > 0) return Promise.resolve(open[open.length - 1]);
    if (oneStream || signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let waiting = this.#waiting.get(taskId);
      if (!waiting) this.#waiting.set(taskId, (waiting = new Set()));
      const done = (requestId: RequestId | undefined): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        waiting.delete(done);
        if (waiting.size === 0 && this.#waiting.get(taskId) === waiting) this.#waiting.delete(taskId);
        resolve(requestId);
      };
      const onAbort = (): void => done(undefined);
      const timer = setTimeout(onAbort, waitMs);
      signal.addEventListener("abort", onAbort, { once: true });
      waiting.add(done);
    });
  }
}

/** Boards by session: the rung and the `tasks/*` methods find a session's board here (none: MCP tasks are not served there). */
const boards = new WeakMap<CallSession, McpTaskBoard>();

/** Gives `session` its board (once, when its `tasks/*` methods are registered). */
export function attachBoard(session: CallSession, board: McpTaskBoard): void {
  boards.set(session, board);
}

/** The session's board, if it serves MCP tasks. */
export function boardOf(session: CallSession): McpTaskBoard | undefined {
  return boards.get(session);
}
