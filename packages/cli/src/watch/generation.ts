import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { LoadedServer } from "../loadServer.js";
import { errorAnswer, isAnswer, sdk, wire, type WireMessage } from "./wire.js";

/** A loaded server that can serve one SDK transport as a session (every `McpcServer` can). */
interface ConnectableServer extends LoadedServer {
  connect(transport: Transport): Promise<unknown>;
}

/** Receives the answer to a request sent to a generation. */
export type AnswerHandler = (answer: WireMessage) => void;

/**
 * One loaded version of the server file, under `mcpc serve --watch` on stdio:
 * the server, connected in this process over an in-memory transport pair as one
 * session, and what the runner knows about that session.
 *
 * Every request the runner sends it gets an id of this generation's own
 * (counting from 1), so the host's ids and the runner's private requests (the
 * handshake replayed, list fetches) never collide in it; {@link forward} keeps
 * the answer's way back.
 */
export class Generation {
  /** 1 for the first load, counting loads that served. */
  readonly number: number;
  readonly server: LoadedServer;
  /** Tasks this generation's answers created: requests about them come here while it lives. */
  readonly tasks = new Set<string>();
  /** Its tasks whose outcome the host reads by asking (MCP tasks, job handles) and has not read yet (see `taskCollectedBy`). */
  readonly uncollected = new Set<string>();
  /** What it sends besides answers to the runner's requests. */
  onmessage: (message: WireMessage) => void = () => undefined;
  readonly #link: InMemoryTransport;
  readonly #pending = new Map<number, AnswerHandler>();
  #nextId = 1;
  #lastActive = Date.now();
  #closing: Promise<void> | undefined;

  private constructor(server: LoadedServer, number: number, link: InMemoryTransport) {
    this.server = server;
    this.number = number;
    this.#link = link;
    link.onmessage = (message) => this.#receive(wire(message));
  }

  /**
   * Connects `server` as one session whose id is `sessionId` (the same in every
   * generation, so the `session_id` of MCPC messages does not change at a reload).
   * @throws what the server throws while it starts (a definition error surfaces here)
   */
  static async connect(server: LoadedServer, number: number, sessionId: string): Promise<Generation> {
    const [ours, theirs] = InMemoryTransport.createLinkedPair();
    theirs.sessionId = sessionId;
    const generation = new Generation(server, number, ours);
    await ours.start();
    await (server as ConnectableServer).connect(theirs);
    return generation;
  }

  /** Sends a request under an id of this generation; `onAnswer` gets its answer (with that id). Returns the id. */
  forward(request: WireMessage, onAnswer: AnswerHandler): number {
    const id = this.#nextId++;
    this.#pending.set(id, onAnswer);
    this.#lastActive = Date.now();
    this.#link.send(sdk({ ...request, id })).catch((error: unknown) => {
      // Closed under the request: answer it here, so nobody waits for an answer that cannot come.
      this.#pending.delete(id);
      onAnswer(errorAnswer(id, -32603, `The server version that was serving this request closed: ${String(error)}`));
    });
    return id;
  }

  /** A request of the runner's own; resolves with its answer, result or error. */
  request(method: string, params?: Record<string, unknown>): Promise<WireMessage> {
    return new Promise((resolve) => this.forward({ jsonrpc: "2.0", method, ...(params && { params }) }, resolve));
  }

  /** Sends a notification, or an answer to one of its own requests, as is. */
  deliver(message: WireMessage): void {
    this.#lastActive = Date.now();
    this.#link.send(sdk(message)).catch(() => undefined);
  }

  /** Forgets a request the host cancelled: the SDK writes no answer to it, and a late one is dropped. */
  abandon(id: RequestId): void {
    if (typeof id === "number") this.#pending.delete(id);
  }

  /**
   * True when the generation can be closed: no task of it running, no request to
   * it open, and no task outcome the host has yet to ask for, unless `graceMs`
   * have passed since it was last busy (a host that never reads one).
   */
  idle(graceMs: number, now = Date.now()): boolean {
    if (this.#pending.size > 0 || this.server.runtime.registry.liveCount > 0) {
      this.#lastActive = now;
      return false;
    }
    return this.uncollected.size === 0 || now - this.#lastActive >= graceMs;
  }

  /** Closes the server (stopping whatever still runs: its `finally` blocks run) and the link. Once. */
  close(): Promise<void> {
    this.#closing ??= this.server
      .close()
      .catch((error: unknown) => process.stderr.write(`mcpc serve: closing version ${this.number}: ${String(error)}\n`))
      .then(() => this.#link.close());
    return this.#closing;
  }

  #receive(message: WireMessage): void {
    if (isAnswer(message) && typeof message.id === "number" && message.id < this.#nextId) {
      const onAnswer = this.#pending.get(message.id);
      // No handler: the answer to a request the host cancelled. Dropped, as the SDK would.
      if (onAnswer === undefined) return;
      this.#pending.delete(message.id);
      onAnswer(message);
      return;
    }
    // Its requests and notifications, and answers that answer no request of ours (the legacy dialect's MCPC_CALLBACK).
    this.onmessage(message);
  }
}
