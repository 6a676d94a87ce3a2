import { McpcError } from "../errors.js";
import type { TaskRegistry } from "../tasks/taskRegistry.js";
import { sendElsewhere } from "../tasks/remoteTasks.js";
import { TaskInbox, type MessageSchema } from "./inbox.js";

/** Limits of task inboxes (`McpcServerOptions.inbox`). */
export interface InboxOptions {
  /** Unread messages one task's inbox holds before a send is refused. Default 100. */
  maxQueued?: number;
  /** How long `task.ask` waits for an answer before it rejects with `QUESTION_TIMEOUT` (ms). Default 10 minutes. */
  questionTimeoutMs?: number;
}

/** How long a message sent to a task that another replica runs waits for that replica's answer. */
const REMOTE_SEND_TIMEOUT_MS = 5_000;

/** What a send reports: whether it answered a question, and how many messages wait now. */
export interface SendOutcome {
  answered: boolean;
  queued: number;
}

/**
 * The inboxes of a server's running tasks, by owner and task id: made when a
 * task that accepts messages runs (or when one is sent to it while it waits in
 * its queue), and gone when the task ends. Every rung's task context reaches its
 * inbox here, and every way of sending (`mcpc/tasks/send`, `task_send`) too.
 */
export class Inboxes {
  readonly maxQueued: number;
  readonly questionTimeoutMs: number;
  readonly #registry: TaskRegistry;
  readonly #byOwner = new Map<string, Map<string, TaskInbox>>();

  /** `acceptsOf`: what a tool accepts, for messages that other replicas forward here (a store shared by replicas). */
  constructor(registry: TaskRegistry, options: InboxOptions = {}, acceptsOf: (toolName: string) => MessageSchema | undefined = () => undefined) {
    this.#registry = registry;
    this.maxQueued = positive(options.maxQueued ?? 100, "inbox.maxQueued");
    this.questionTimeoutMs = positive(options.questionTimeoutMs ?? 10 * 60_000, "inbox.questionTimeoutMs");
    // Delivered here, never forwarded again: this replica runs the task (or it has ended).
    registry.remote.sendHere = (owner, taskId, message) => this.#send(owner, taskId, message, acceptsOf, false);
  }

  /** The task's inbox, made if needed; it goes when the task ends. */
  ensure(owner: string, taskId: string, accepts: MessageSchema | undefined): TaskInbox {
    let owned = this.#byOwner.get(owner);
    const found = owned?.get(taskId);
    if (found) return found;
    const inbox = new TaskInbox(accepts, this.maxQueued);
    if (!owned) this.#byOwner.set(owner, (owned = new Map()));
    owned.set(taskId, inbox);
    void this.#registry.whenEnded(owner, taskId).then(() => this.#forget(owner, taskId, inbox));
    return inbox;
  }

  /** The task's inbox if it has one now. */
  get(owner: string, taskId: string): TaskInbox | undefined {
    return this.#byOwner.get(owner)?.get(taskId);
  }

  /**
   * Sends a message to one of the owner's tasks: the answer to its question, or
   * the next message of its inbox.
   * @throws McpcError `UNKNOWN_TASK`, `TASK_ENDED` (naming its final status), `NO_INBOX`, `INVALID_MESSAGE`, `INBOX_FULL`
   */
  send(owner: string, taskId: string, message: unknown, acceptsOf: (toolName: string) => MessageSchema | undefined): Promise<SendOutcome> {
    return this.#send(owner, taskId, message, acceptsOf, true);
  }

  async #send(owner: string, taskId: string, message: unknown, acceptsOf: (toolName: string) => MessageSchema | undefined, mayForward: boolean): Promise<SendOutcome> {
    const task = await this.#registry.get(owner, taskId);
    if (task.status !== "working" && task.status !== "input_required") throw ended(taskId, task.status);
    const existing = this.get(owner, taskId);
    if (existing) return existing.deliver(message, task.tool_name);
    if (mayForward && this.#registry.store.control && !this.#registry.runsHere(owner, taskId)) {
      // Another replica runs it (a store shared by replicas): its inbox is there.
      const outcome = await sendElsewhere(this.#registry.store, owner, taskId, message, REMOTE_SEND_TIMEOUT_MS);
      if (outcome) return outcome;
      throw ended(taskId, (await this.#registry.get(owner, taskId)).status);
    }
    const accepts = acceptsOf(task.tool_name);
    if (!accepts) throw new McpcError("NO_INBOX", `Tool "${task.tool_name}" takes no messages (it declares no \`accepts\`), and its task asked nothing.`);
    // Still in its queue: the message waits for it.
    return this.ensure(owner, taskId, accepts).deliver(message, task.tool_name);
  }

  #forget(owner: string, taskId: string, inbox: TaskInbox): void {
    const owned = this.#byOwner.get(owner);
    if (owned?.get(taskId) !== inbox) return;
    owned.delete(taskId);
    if (owned.size === 0) this.#byOwner.delete(owner);
  }
}

function ended(taskId: string, status: string): McpcError {
  return new McpcError("TASK_ENDED", `Task "${taskId}" has already ended (${status}); it takes no more messages.`);
}

function positive(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new McpcError("INVALID_ARGUMENT", `${field} must be a positive whole number; got ${String(value)}.`);
  return value;
}
