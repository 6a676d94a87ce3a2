/** A raw JSON-RPC peer over an in-memory transport, for what no SDK client sends (the Python dialect, bad input). */
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { waitFor } from "./async.js";

export type Wire = Record<string, unknown>;

export class RawMemoryClient {
  readonly transport: InMemoryTransport;
  readonly received: Wire[] = [];
  #id = 0;

  constructor(transport: InMemoryTransport) {
    this.transport = transport;
    transport.onmessage = (message: JSONRPCMessage) => {
      const wire = message as unknown as Wire;
      this.received.push(wire);
      // Answer the server's pings as every client does (the fallback's barrier waits for it).
      if (wire.method === "ping" && wire.id !== undefined) void transport.send({ jsonrpc: "2.0", id: wire.id as number, result: {} });
    };
  }

  /** Links a new raw client to `connect` (a server's connect), initializes it, and returns it with its session id. */
  static async open(connect: (transport: InMemoryTransport) => Promise<string>): Promise<{ raw: RawMemoryClient; sessionId: string }> {
    const [client, server] = InMemoryTransport.createLinkedPair();
    const sessionId = await connect(server);
    const raw = new RawMemoryClient(client);
    await client.start();
    await raw.request("initialize", { protocolVersion: "2025-03-26", capabilities: {}, clientInfo: { name: "mcp", version: "0.1.0" } });
    await raw.transport.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return { raw, sessionId };
  }

  async request(method: string, params?: Record<string, unknown>): Promise<Wire> {
    const id = ++this.#id;
    await this.transport.send({ jsonrpc: "2.0", id, method, ...(params && { params }) } as JSONRPCMessage);
    let answer: Wire | undefined;
    await waitFor(() => (answer = this.received.find((m) => m.id === id)) !== undefined, `the answer to ${method} #${id}`);
    return answer as Wire;
  }

  /** The messages of every MCPC_CALLBACK received so far. */
  callbacks(): Wire[] {
    return this.received
      .filter((m) => m.id === "MCPC_CALLBACK")
      .map((m) => JSON.parse(String((m.result as { content: Array<{ text: string }> }).content[0]?.text)) as Wire);
  }

  async waitForCallback(match: (message: Wire) => boolean, what: string): Promise<Wire> {
    let found: Wire | undefined;
    await waitFor(() => (found = this.callbacks().find(match)) !== undefined, what);
    return found as Wire;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** The parsed JSON of a tool result's first text item. */
export function firstText(answer: Wire): unknown {
  const text = (answer.result as { content: Array<{ text: string }> }).content[0]?.text ?? "null";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
