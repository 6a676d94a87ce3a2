import type { ReadResourceResult, Resource as WireResource, ResourceTemplate as WireResourceTemplate } from "@modelcontextprotocol/sdk/types.js";
import type { CallSession } from "../../call/callSession.js";
import { WireError } from "../../call/wireError.js";
import { McpcError } from "../../errors.js";
import type { TaskSnapshot } from "../../protocol/message.js";

/** The URI of a task's resource, and of the session's server events. */
export const TASK_URI_PREFIX = "mcpc://tasks/";
export const EVENTS_URI = "mcpc://events";
/** The MCP error code for a URI no resource answers (spec: "Resource not found"). */
const RESOURCE_NOT_FOUND = -32002;
/**
 * How often subscribed resources are looked at: at most one `updated` per
 * resource per interval, however fast its task yields (a tool yielding 10,000
 * times a second must not send 10,000 notifications).
 */
export const UPDATE_INTERVAL_MS = 500;
/** Tasks listed in `resources/list`, newest first. */
const LISTED = 100;

/** What the resources need from a session besides the call surface: its server events, its close. */
export interface TaskResourceSession extends Pick<CallSession, "owner" | "runtime" | "server"> {
  /** The session's recent server events, when it records them (a plain client). */
  readonly plainEvents: { readonly version: number; recent(): unknown[] } | undefined;
  readonly closed: boolean;
}

/**
 * Task status as resources (job handles): `mcpc://tasks/{taskId}` for each of
 * the session's own tasks (JSON: status, latest update, result or error, seq,
 * timestamps), and `mcpc://events`, its recent server events. Subscribable:
 * a watcher looks at the subscribed ones every {@link UPDATE_INTERVAL_MS} and
 * sends `notifications/resources/updated` for those that changed; it runs only
 * while something is subscribed.
 */
export class TaskResources {
  readonly templates: readonly WireResourceTemplate[] = [
    {
      uriTemplate: `${TASK_URI_PREFIX}{taskId}`,
      name: "task",
      title: "A background task",
      description: "The status of one of this session's background tasks: status, latest update, result or error, sequence number, timestamps.",
      mimeType: "application/json",
    },
  ];
  readonly #session: TaskResourceSession;
  /** Subscribed URIs and the version last reported (a task's seq and status; the events' count). */
  readonly #watched = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(session: TaskResourceSession) {
    this.#session = session;
  }

  async list(): Promise<WireResource[]> {
    const { registry } = this.#session.runtime;
    const tasks = (await registry.list(this.#session.owner)).sort((a, b) => b.created_at - a.created_at).slice(0, LISTED);
    const resources: WireResource[] = [];
    for (const task of tasks) {
      const uri = taskUri(task.task_id);
      // A client-chosen id with a lone surrogate has no URI: such a task is reachable through the handle tools only.
      if (uri !== undefined) resources.push({ uri, name: `task ${task.task_id}`, title: `"${task.tool_name}" (${task.status})`, mimeType: "application/json" });
    }
    if (this.#session.plainEvents) {
      resources.push({ uri: EVENTS_URI, name: "events", title: "Server events", description: "This session's recent server events, oldest first.", mimeType: "application/json" });
    }
    return resources;
  }

  async read(uri: string): Promise<ReadResourceResult | undefined> {
    if (uri === EVENTS_URI && this.#session.plainEvents) return json(uri, { events: this.#session.plainEvents.recent() });
    const task = await this.#task(uri);
    return task === undefined ? undefined : json(uri, task);
  }

  async subscribe(uri: string): Promise<boolean> {
    if (uri === EVENTS_URI && this.#session.plainEvents) {
      this.#watch(uri, String(this.#session.plainEvents.version));
      return true;
    }
    const task = await this.#task(uri);
    if (task === undefined) return false;
    this.#watch(uri, versionOf(task));
    return true;
  }

  unsubscribe(uri: string): void {
    this.#watched.delete(uri);
    if (this.#watched.size === 0) this.stop();
  }

  /** Stops watching (the session closed). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The session's task at a task URI; undefined for another URI; not found (-32002) for a task it does not own. */
  async #task(uri: string): Promise<TaskSnapshot | undefined> {
    if (!uri.startsWith(TASK_URI_PREFIX)) return undefined;
    let taskId: string;
    try {
      taskId = decodeURIComponent(uri.slice(TASK_URI_PREFIX.length));
    } catch {
      throw new WireError(RESOURCE_NOT_FOUND, `Resource not found: "${uri}" is not a task URI (its escapes are malformed).`, { uri });
    }
    try {
      return await this.#session.runtime.registry.get(this.#session.owner, taskId);
    } catch (error) {
      if (error instanceof McpcError && error.code === "UNKNOWN_TASK") {
        throw new WireError(RESOURCE_NOT_FOUND, `Resource not found: "${uri}". This session has no task "${taskId}" (it may have expired, or belong to another session).`, { uri });
      }
      throw error;
    }
  }

  #watch(uri: string, version: string): void {
    this.#watched.set(uri, version);
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#look(), UPDATE_INTERVAL_MS);
    this.#timer.unref();
  }

  async #look(): Promise<void> {
    const session = this.#session;
    if (session.closed) return this.stop();
    for (const [uri, reported] of this.#watched) {
      let now: string;
      if (uri === EVENTS_URI) {
        now = String(session.plainEvents?.version ?? 0);
      } else {
        const task = await this.#task(uri).catch(() => undefined);
        // Gone (expired): one last update, so the client reads it is gone; then it is no longer watched.
        if (task === undefined) this.#watched.delete(uri);
        now = task === undefined ? "gone" : versionOf(task);
      }
      if (now === reported) continue;
      if (this.#watched.has(uri)) this.#watched.set(uri, now);
      session.server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
    if (this.#watched.size === 0) this.stop();
  }
}

/** `mcpc://tasks/<id>`, the id percent-encoded; undefined for an id no URI can carry (a lone surrogate). */
export function taskUri(taskId: string): string | undefined {
  try {
    return `${TASK_URI_PREFIX}${encodeURIComponent(taskId)}`;
  } catch {
    return undefined;
  }
}

function versionOf(task: TaskSnapshot): string {
  return `${task.seq}:${task.status}`;
}

function json(uri: string, value: unknown): ReadResourceResult {
  return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(value) }] };
}
