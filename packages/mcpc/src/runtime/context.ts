import { McpcError } from "../errors.js";
import type { ToolLogger } from "./logger.js";

/**
 * What every tool method receives as its second argument.
 *
 * @example
 * ```ts
 * @Tool({ description: "Fetch a page" , input: z.object({ url: z.string() }) })
 * async fetchPage({ url }: { url: string }, ctx: ToolContext) {
 *   ctx.log.info(`fetching ${url}`);
 *   return (await fetch(url, { signal: ctx.signal })).text();
 * }
 * ```
 */
export interface ToolContext {
  /** Aborted when the call is cancelled, the task stopped, or the server shuts down. */
  readonly signal: AbortSignal;
  /** The session (connection) that made the call. */
  readonly sessionId: string;
  /** Logs to stderr and, where the client asked for logs, to the client. */
  readonly log: ToolLogger;
}

/**
 * What a background tool receives: the {@link ToolContext} plus its task.
 *
 * @example
 * ```ts
 * @Tool({ description: "Watch forever", background: true })
 * async *watch(_: object, task: TaskContext) {
 *   for (;;) { await task.sleep(60_000); task.emit("alert", { at: Date.now() }); yield "still watching"; }
 * }
 * ```
 */
export interface TaskContext extends ToolContext {
  /** The task's id, as the client sees it. */
  readonly taskId: string;
  /** Waits `ms` milliseconds; rejects with a `TASK_STOPPED` McpcError as soon as the task is stopped. */
  sleep(ms: number): Promise<void>;
  /** Sends a server event to the session that started this task. */
  emit(event: string, payload?: unknown): void;
}

interface PendingSleep {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The `sleep` of one task: a timer per call, and one abort listener for the
 * task's whole life (an AbortSignal listener costs far more than a timer, and a
 * polling task sleeps thousands of times).
 */
export function createSleeper(signal: AbortSignal): (ms: number) => Promise<void> {
  const pending = new Set<PendingSleep>();
  let listening = false;
  const onAbort = () => {
    const error = stoppedError(signal);
    for (const sleep of pending) {
      clearTimeout(sleep.timer);
      sleep.reject(error);
    }
    pending.clear();
  };
  return (ms) => {
    if (signal.aborted) return Promise.reject(stoppedError(signal));
    if (!listening) {
      listening = true;
      signal.addEventListener("abort", onAbort, { once: true });
    }
    return new Promise<void>((resolve, reject) => {
      const sleep: PendingSleep = { resolve, reject, timer: undefined };
      sleep.timer = setTimeout(() => {
        pending.delete(sleep);
        resolve();
      }, ms);
      pending.add(sleep);
    });
  };
}

function stoppedError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new McpcError("TASK_STOPPED", "Task stopped.");
}
