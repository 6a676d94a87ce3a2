import type { Generation } from "./generation.js";
import { taskOfUri } from "./taskIds.js";
import { record, type WireMessage } from "./wire.js";

/** The legacy (Python mcpc) dialect's handshake tools: a call to one switches the session to that dialect. */
const LEGACY_HANDSHAKE_TOOLS: ReadonlySet<string> = new Set(["_mcpc_init", "_is_mcpc_enabled", "is_mcpc_enabled"]);

/** The `*.listChanged` flags the host's `initialize` answer gains: the runner announces each reload through them. */
const LIST_CHANGED_CAPABILITIES = ["tools", "resources", "prompts"] as const;

/**
 * The host's session state that each generation must be given: the host speaks
 * to one session, while every reload makes a new server that has not heard its
 * `initialize`. Recorded as the host's messages are delivered, replayed to a
 * generation before it serves: `initialize` (the client's capabilities and
 * protocol version), `notifications/initialized`, the log level, resource
 * subscriptions and a legacy-dialect handshake call.
 */
export class HostHandshake {
  #initialize: Record<string, unknown> | undefined;
  #initialized = false;
  #logLevel: string | undefined;
  readonly #subscriptions = new Set<string>();
  #legacyCall: Record<string, unknown> | undefined;
  #capabilities: Record<string, unknown> | undefined;

  /** The capabilities the host was told in its `initialize` answer; undefined until it was answered. */
  get capabilities(): Record<string, unknown> | undefined {
    return this.#capabilities;
  }

  /** Notes what a host message, delivered to a generation, changes in the session's state. */
  record(message: WireMessage): void {
    const params = message.params;
    switch (message.method) {
      case "initialize":
        this.#initialize ??= params;
        break;
      case "notifications/initialized":
        this.#initialized = true;
        break;
      case "logging/setLevel":
        if (typeof params?.level === "string") this.#logLevel = params.level;
        break;
      case "resources/subscribe":
        // A task's resource belongs to the generation running the task: a new one would not know it.
        if (typeof params?.uri === "string" && taskOfUri(params.uri) === undefined) this.#subscriptions.add(params.uri);
        break;
      case "resources/unsubscribe":
        if (typeof params?.uri === "string") this.#subscriptions.delete(params.uri);
        break;
      case "tools/call":
        if (typeof params?.name === "string" && LEGACY_HANDSHAKE_TOOLS.has(params.name)) this.#legacyCall = params;
        break;
    }
  }

  /**
   * The host's `initialize` answer as the host gets it: every list capability the
   * server declares says `listChanged: true` (tools always), since a reload changes them.
   */
  answered(result: Record<string, unknown>): Record<string, unknown> {
    const declared = record(result.capabilities) ?? {};
    const capabilities: Record<string, unknown> = { ...declared };
    for (const name of LIST_CHANGED_CAPABILITIES) {
      const capability = record(declared[name]);
      if (capability !== undefined || name === "tools") capabilities[name] = { ...capability, listChanged: true };
    }
    this.#capabilities = capabilities;
    return { ...result, capabilities };
  }

  /**
   * Sends the host's `initialize` to a new generation, if the host has sent one.
   * @throws when the generation refuses it
   */
  async initialize(generation: Generation): Promise<void> {
    if (this.#initialize === undefined) return;
    const answer = await generation.request("initialize", this.#initialize);
    if (answer.error) throw new Error(`the new version refused the host's initialize: ${answer.error.message}`);
  }

  /**
   * Sends the rest of the session's state to a generation whose `initialize` was
   * answered. Synchronous: nothing from the host can come in between, so the
   * generation starts serving in exactly the state the host's session is in.
   */
  replayState(generation: Generation): void {
    if (this.#initialize === undefined) return;
    if (this.#initialized) generation.deliver({ jsonrpc: "2.0", method: "notifications/initialized" });
    if (this.#logLevel !== undefined) this.#replay(generation, "logging/setLevel", { level: this.#logLevel });
    for (const uri of this.#subscriptions) this.#replay(generation, "resources/subscribe", { uri });
    if (this.#legacyCall !== undefined) this.#replay(generation, "tools/call", this.#legacyCall);
  }

  /** Sends the log level to a generation that did not get the host's request (an older one, with tasks still running). */
  shareLogLevel(generation: Generation): void {
    if (this.#logLevel !== undefined) this.#replay(generation, "logging/setLevel", { level: this.#logLevel });
  }

  #replay(generation: Generation, method: string, params: Record<string, unknown>): void {
    void generation.request(method, params).then((answer) => {
      // Not fatal: a resource the new code no longer has cannot be subscribed to, say.
      if (answer.error) process.stderr.write(`mcpc serve: version ${generation.number} refused the replayed ${method}: ${answer.error.message}\n`);
    });
  }
}
