import { randomUUID } from "node:crypto";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import { changedCatalogs } from "./catalogChanges.js";
import type { Generation } from "./generation.js";
import { HostHandshake } from "./handshake.js";
import { decodeCursor, encodeCursor } from "./listCursor.js";
import { taskCollectedBy, taskCreatedBy, taskOfRequest } from "./taskIds.js";
import { errorAnswer, idKey, isAnswer, isNotification, isRequest, type WireMessage } from "./wire.js";

/** Task lists, merged across the generations alive (see listCursor.ts). */
const LIST_METHODS: ReadonlySet<string> = new Set(["tasks/list", "mcpc/tasks/list"]);

/** A host request on its way: the generation it went to and its id there. */
interface Routed {
  readonly generation: Generation;
  readonly id: number;
  readonly hostId: RequestId;
}

/** A generation's request to the host, by the id the host saw. */
interface Upstream {
  readonly generation: Generation;
  readonly id: RequestId;
}

type Request = WireMessage & { method: string; id: RequestId };

/**
 * The host's one session under `mcpc serve --watch` on stdio, kept across
 * reloads: the host speaks to this object, and each load of the server file is
 * a {@link Generation} behind it.
 *
 * - New requests go to the newest generation. A request about a task (by its
 *   id, learned from the answer that created it) goes to the generation that
 *   started it; `notifications/cancelled` goes where its request went.
 * - Each generation's requests to the host (ping, elicitation, sampling) get an
 *   id of the runner's, so two generations' ids cannot collide; the host's answer
 *   goes back under the generation's own id.
 * - Answers and notifications of every generation reach the host in the order
 *   they were sent, with the host's own ids.
 * - While a generation takes the session over ({@link join}), and before the first
 *   one has loaded, the host's messages wait, so the new one starts in exactly
 *   the state the host's session is in.
 */
export class WatchSession {
  /** The session id every generation serves under: the `session_id` of MCPC messages survives a reload. */
  readonly id = randomUUID();
  readonly #send: (message: WireMessage) => void;
  readonly #handshake = new HostHandshake();
  /** Generations alive, oldest first; the last one serves new requests. */
  readonly #generations: Generation[] = [];
  #held: WireMessage[] | undefined = [];
  readonly #routed = new Map<string, Routed>();
  readonly #upstream = new Map<number, Upstream>();
  #nextUpstreamId = 1;

  /** `send` writes one message to the host. */
  constructor(send: (message: WireMessage) => void) {
    this.#send = send;
  }

  /** The generation new requests go to; undefined until one has loaded. */
  get newest(): Generation | undefined {
    return this.#generations.at(-1);
  }

  /** The generations alive, oldest first. */
  get generations(): readonly Generation[] {
    return this.#generations;
  }

  /** A message from the host. */
  fromHost(message: WireMessage): void {
    if (this.#held) this.#held.push(message);
    else this.#route(message);
  }

  /**
   * Makes `generation` the one new requests go to: replays the host's handshake
   * to it, then tells the host its lists changed (tools on every reload,
   * resources and prompts when theirs differ). Calls must not overlap.
   * @returns the generation it replaced, which keeps serving what it started
   * @throws when the generation could not take the session over; it was not used, and the caller closes it
   */
  async join(generation: Generation, timeoutMs: number): Promise<Generation | undefined> {
    const previous = this.newest;
    this.#held ??= [];
    generation.onmessage = (message) => this.#fromGeneration(generation, message);
    try {
      await withTimeout(this.#handshake.initialize(generation), timeoutMs, "answer initialize");
      const capabilities = this.#handshake.capabilities;
      const changed = previous && capabilities ? await withTimeout(changedCatalogs(previous, generation, capabilities), timeoutMs, "list its resources and prompts") : [];
      this.#handshake.replayState(generation);
      this.#generations.push(generation);
      // Only to a host whose initialize was answered: before that, notifications are not allowed.
      if (previous && capabilities) {
        this.#notify("notifications/tools/list_changed");
        for (const name of changed) this.#notify(`notifications/${name}/list_changed`);
      }
      return previous;
    } finally {
      this.#release();
    }
  }

  /** Stops sending a generation anything new, before it closes: requests about its tasks now go to the newest. */
  detach(generation: Generation): void {
    const index = this.#generations.indexOf(generation);
    if (index >= 0) this.#generations.splice(index, 1);
  }

  /** Drops a generation that has closed: what it left unanswered is answered with an error, its requests to the host forgotten. */
  forget(generation: Generation): void {
    this.detach(generation);
    for (const [key, routed] of this.#routed) {
      if (routed.generation !== generation) continue;
      this.#routed.delete(key);
      this.#send(errorAnswer(routed.hostId, -32603, `The server version serving this request (version ${generation.number}) closed before answering.`));
    }
    for (const [id, upstream] of this.#upstream) if (upstream.generation === generation) this.#upstream.delete(id);
  }

  #release(): void {
    // With no generation at all (the first load failed), the host's messages wait for the next load.
    if (this.newest === undefined) return;
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const message of held) this.#route(message);
  }

  #route(message: WireMessage): void {
    if (isAnswer(message)) return this.#answerUpstream(message);
    if (isNotification(message)) return this.#routeNotification(message);
    const newest = this.newest;
    if (!isRequest(message) || newest === undefined) return;
    if (LIST_METHODS.has(message.method)) return this.#forwardList(message, newest);
    const target = this.#ownerOf(message) ?? newest;
    this.#forward(target, message, message.method === "initialize" ? (result) => this.#handshake.answered(result) : undefined);
    if (message.method === "logging/setLevel") {
      // Older generations still run tasks that log: they follow the host's level too.
      for (const generation of this.#generations) if (generation !== target) this.#handshake.shareLogLevel(generation);
    }
  }

  #forward(generation: Generation, request: Request, rewrite?: (result: Record<string, unknown>) => Record<string, unknown>): void {
    const hostId = request.id;
    const key = idKey(hostId);
    let answered = false;
    const id = generation.forward(request, (answer) => {
      answered = true;
      this.#routed.delete(key);
      this.#learn(generation, request, answer);
      const result = answer.result && rewrite ? rewrite(answer.result) : answer.result;
      this.#send({ ...answer, id: hostId, ...(result && { result }) });
    });
    if (!answered) this.#routed.set(key, { generation, id, hostId });
    this.#handshake.record(request);
  }

  /** Learns from an answer which tasks the generation owns, and which MCP task outcomes the host has read. */
  #learn(generation: Generation, request: Request, answer: WireMessage): void {
    if (request.method === "tools/call") {
      const created = taskCreatedBy(answer.result);
      if (created) {
        generation.tasks.add(created.taskId);
        if (created.pulled) generation.uncollected.add(created.taskId);
      }
    }
    const collected = taskCollectedBy(request.method, request.params, answer);
    if (collected !== undefined) generation.uncollected.delete(collected);
  }

  #ownerOf(request: Request): Generation | undefined {
    const taskId = taskOfRequest(request.method, request.params);
    if (taskId === undefined) return undefined;
    // Newest first: should a host reuse a task id across versions, the latest task is the one it means.
    for (let i = this.#generations.length - 1; i >= 0; i--) if (this.#generations[i]?.tasks.has(taskId)) return this.#generations[i];
    return undefined;
  }

  /** `tasks/list`, `mcpc/tasks/list`: one generation's page at a time, oldest generation first, under cursors of ours. */
  #forwardList(request: Request, newest: Generation): void {
    const cursor = request.params?.cursor;
    const position = typeof cursor === "string" ? decodeCursor(cursor) : undefined;
    // A cursor we did not make: the newest refuses it in its own words.
    if (typeof cursor === "string" && position === undefined) return this.#forward(newest, request);
    const start = (position ? this.#generations.find((generation) => generation.number >= position.generation) : this.#generations[0]) ?? newest;
    const inner = position?.generation === start.number ? position.inner : undefined;
    const { cursor: _cursor, ...params } = request.params ?? {};
    const forwarded = { ...request, params: inner === undefined ? params : { ...params, cursor: inner } };
    this.#forward(start, forwarded, (result) => {
      const { nextCursor, ...page } = result;
      const next = this.#generations.find((generation) => generation.number > start.number);
      const position = typeof nextCursor === "string" ? { generation: start.number, inner: nextCursor } : next && { generation: next.number };
      return position ? { ...page, nextCursor: encodeCursor(position) } : page;
    });
  }

  #routeNotification(message: WireMessage & { method: string }): void {
    if (message.method === "notifications/cancelled") {
      const requestId = message.params?.requestId;
      const key = typeof requestId === "string" || typeof requestId === "number" ? idKey(requestId) : undefined;
      const routed = key === undefined ? undefined : this.#routed.get(key);
      // Answered already, or never passed on: there is nothing to cancel.
      if (key === undefined || routed === undefined) return;
      this.#routed.delete(key);
      routed.generation.abandon(routed.id);
      routed.generation.deliver({ ...message, params: { ...message.params, requestId: routed.id } });
      return;
    }
    this.#handshake.record(message);
    // `initialized`, `roots/list_changed`, …: every generation alive serves this session.
    for (const generation of this.#generations) generation.deliver(message);
  }

  /** The host's answer to a generation's request. */
  #answerUpstream(message: WireMessage): void {
    const upstream = typeof message.id === "number" ? this.#upstream.get(message.id) : undefined;
    // To a request of a generation that has closed since: nobody waits for it.
    if (upstream === undefined || typeof message.id !== "number") return;
    this.#upstream.delete(message.id);
    upstream.generation.deliver({ ...message, id: upstream.id });
  }

  #fromGeneration(generation: Generation, message: WireMessage): void {
    if (isRequest(message)) {
      const id = this.#nextUpstreamId++;
      this.#upstream.set(id, { generation, id: message.id });
      this.#send({ ...message, id });
      return;
    }
    if (isNotification(message)) {
      // An older version's list is not the one the host sees.
      if (message.method.endsWith("/list_changed") && generation !== this.newest) return;
      if (message.method === "notifications/cancelled") {
        // The generation gave up on a request of its own: the host knows that request by our id.
        const requestId = message.params?.requestId;
        const entry = [...this.#upstream].find(([, upstream]) => upstream.generation === generation && upstream.id === requestId);
        if (entry === undefined) return;
        this.#upstream.delete(entry[0]);
        this.#send({ ...message, params: { ...message.params, requestId: entry[0] } });
        return;
      }
    }
    this.#send(message);
  }

  #notify(method: string): void {
    this.#send({ jsonrpc: "2.0", method });
  }
}

/** `promise`, or an error after `ms` naming what the new version did not do in time. */
async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`the new version did not ${what} within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
