import type { z } from "zod";
import { McpcError } from "../errors.js";
import type { StopListener, StopSource } from "../tasks/taskControl.js";

/** A zod 4 schema of anything (a message may be a string or an object). */
export type MessageSchema = z.ZodType;

/** A question a task asked (`task.ask`) that waits for its answer. */
export interface PendingQuestion {
  /** Unique within the task: an answer may name the question it answers. */
  readonly id: string;
  readonly question: string;
  /** The answer's JSON Schema, for the client (and the model) to read. */
  readonly schema: Record<string, unknown>;
}

interface Asking extends PendingQuestion {
  readonly check: MessageSchema;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The inbox of one running task: messages sent to it (`mcpc/tasks/send`,
 * `task_send`), validated against what its tool accepts, queued in order up to
 * a bound, and taken exactly once by the tool (`task.inbox`); and the question
 * it asked, if any, which the next message answers instead.
 */
export class TaskInbox<T = unknown> implements AsyncIterable<T>, StopListener {
  readonly #accepts: MessageSchema | undefined;
  readonly #max: number;
  readonly #queue: T[] = [];
  /** A tool waiting in `next()` (one at a time: a second waiter would make the order ambiguous). */
  #waiter: { resolve(message: T | undefined): void } | undefined;
  #asking: Asking | undefined;
  #asked = 0;
  #stopped = false;

  /** Made when the task starts running, or earlier when a message comes while it waits in its queue; {@link bind} ties it to the task's stop. */
  constructor(accepts: MessageSchema | undefined, maxQueued: number) {
    this.#accepts = accepts;
    this.#max = maxQueued;
  }

  #bound = false;

  /** Ties the inbox to its task's stop switch (once, when the task runs). */
  bind(stop: StopSource): void {
    if (this.#bound) return;
    this.#bound = true;
    if (stop.aborted) this.handleEvent();
    else stop.onStop(this);
  }

  /** Whether the tool declared what it accepts (a task can still be asked a question without). */
  get acceptsMessages(): boolean {
    return this.#accepts !== undefined;
  }

  /** Messages waiting to be read. */
  get size(): number {
    return this.#queue.length;
  }

  /** The question waiting for its answer, if any. */
  get question(): PendingQuestion | undefined {
    const asking = this.#asking;
    return asking && { id: asking.id, question: asking.question, schema: asking.schema };
  }

  /**
   * Takes a message sent to the task: the answer to its question when it asked
   * one, else the next in its queue. Returns how many wait now.
   * @throws McpcError `INVALID_MESSAGE` naming the fields; `INBOX_FULL`; `NO_INBOX`
   */
  deliver(message: unknown, toolName: string): { answered: boolean; queued: number } {
    const asking = this.#asking;
    if (asking) {
      const parsed = asking.check.safeParse(message);
      if (!parsed.success) throw invalidMessage(`the answer to "${asking.question}"`, parsed.error);
      this.#asking = undefined;
      asking.resolve(parsed.data);
      return { answered: true, queued: this.#queue.length };
    }
    if (!this.#accepts) throw new McpcError("NO_INBOX", `Tool "${toolName}" takes no messages (it declares no \`accepts\`), and its task asked nothing.`);
    const parsed = this.#accepts.safeParse(message);
    if (!parsed.success) throw invalidMessage(`a message to "${toolName}"`, parsed.error);
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve(parsed.data as T);
      return { answered: false, queued: 0 };
    }
    if (this.#queue.length >= this.#max) {
      throw new McpcError("INBOX_FULL", `The inbox of "${toolName}" holds ${this.#max} unread messages; send again once the task has read some.`);
    }
    this.#queue.push(parsed.data as T);
    return { answered: false, queued: this.#queue.length };
  }

  /** The next message without waiting, or undefined when none waits. */
  poll(): T | undefined {
    return this.#queue.shift();
  }

  /** The next message; waits for one. Resolves undefined once the task is stopped (then no more come). */
  next(): Promise<T | undefined> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift());
    if (this.#stopped) return Promise.resolve(undefined);
    if (this.#waiter) return Promise.reject(new McpcError("INVALID_STATE", "task.inbox is already being read: read it from one place (one for-await loop)."));
    return new Promise((resolve) => (this.#waiter = { resolve }));
  }

  /** Every message, in order, until the task is stopped. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#stopped && this.#queue.length === 0) return;
      const message = await this.next();
      if (message === undefined && this.#stopped) return;
      yield message as T;
    }
  }

  /**
   * Asks a question the next message answers (validated against `check`).
   * Rejects with `QUESTION_TIMEOUT` after `timeoutMs`, and with the stop's
   * error when the task is stopped meanwhile.
   */
  ask(question: string, check: MessageSchema, schema: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    if (this.#asking) return Promise.reject(new McpcError("INVALID_STATE", `The task already waits for the answer to "${this.#asking.question}": ask one question at a time.`));
    if (this.#stopped) return Promise.reject(new McpcError("TASK_STOPPED", "Task stopped."));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#asking !== asking) return;
        this.#asking = undefined;
        reject(new McpcError("QUESTION_TIMEOUT", `Nobody answered "${question}" within ${timeoutMs} ms.`));
      }, timeoutMs);
      const asking: Asking = {
        id: `q${++this.#asked}`,
        question,
        schema,
        check,
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#asking = asking;
    });
  }

  /** The task was stopped: a waiting reader gets undefined, a waiting question the stop's error. */
  handleEvent(): void {
    this.#stopped = true;
    this.#waiter?.resolve(undefined);
    this.#waiter = undefined;
    const asking = this.#asking;
    this.#asking = undefined;
    asking?.reject(new McpcError("TASK_STOPPED", `Task stopped while it waited for the answer to "${asking.question}".`));
  }
}

function invalidMessage(what: string, error: z.ZodError): McpcError {
  const problems = error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(message)"}: ${issue.message}`);
  return new McpcError("INVALID_MESSAGE", `Refused ${what}: ${problems.join("; ")}. Nothing was queued.`);
}
