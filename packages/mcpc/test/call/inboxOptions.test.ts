/**
 * The server's inbox options (`inbox: { maxQueued, questionTimeoutMs }`): the
 * time-out a question takes when `ask` names none, and values refused at once.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcClient } from "../../src/client/index.js";
import { McpcError, McpcServer, Tool, type McpcServerOptions, type TaskContext } from "../../src/index.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

class Asker extends McpcServer {
  @Tool({ description: "Asks, with the server's time-out", background: true })
  async *ask(_args: object, task: TaskContext) {
    yield "asking";
    try {
      return await task.ask("Anyone?", z.object({ yes: z.boolean() }));
    } catch (error) {
      if (error instanceof McpcError) return `${error.code}: ${error.message}`;
      throw error;
    }
  }
}

async function connect(options: Partial<McpcServerOptions>): Promise<McpcClient> {
  const server = new Asker({ name: "asker", version: "1.0.0", ...options });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new McpcClient(new Client({ name: "silent", version: "1.0.0" }));
  await client.connect(clientSide);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

describe("inbox options", () => {
  it("inbox.questionTimeoutMs is how long a question waits when ask names no time-out", async () => {
    const client = await connect({ inbox: { questionTimeoutMs: 150 } });
    const task = await client.callTool("ask", {});
    const started = Date.now();
    expect(await task.value()).toBe('QUESTION_TIMEOUT: Nobody answered "Anyone?" within 150 ms.');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it.each([
    [{ maxQueued: 0 }, /inbox\.maxQueued must be a positive whole number; got 0/],
    [{ maxQueued: 1.5 }, /inbox\.maxQueued must be a positive whole number; got 1\.5/],
    [{ questionTimeoutMs: -1 }, /inbox\.questionTimeoutMs must be a positive whole number; got -1/],
  ])("refuses %j with INVALID_ARGUMENT naming the option", async (inbox, message) => {
    const made = await Promise.resolve()
      .then(() => connect({ inbox }))
      .catch((error: unknown) => error);
    expect(made).toBeInstanceOf(McpcError);
    expect(made).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(message) });
  });
});
