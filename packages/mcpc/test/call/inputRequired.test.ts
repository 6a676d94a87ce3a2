/**
 * A background task whose tool asks the client (`ctx.elicit`, `ctx.sample`) reads
 * `input_required` until every question is answered, then `working` again.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CreateMessageRequestSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcClient } from "../../src/client/index.js";
import { McpcServer, Tool, type TaskContext } from "../../src/index.js";
import { gate, waitFor, type Gate } from "../support/async.js";

const cleanups: Array<() => Promise<void>> = [];
const gates: Gate[] = [];
afterEach(async () => {
  for (const g of gates.splice(0)) g.open();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function testGate(): Gate {
  const g = gate();
  gates.push(g);
  return g;
}

/** What the server's tool and the test share. */
const interview = { sampled: false, finish: gate() };

class Interviewer extends McpcServer {
  @Tool({ description: "Asks the user and the client's model at once, then waits to finish", background: true })
  async *interview(_args: object, task: TaskContext) {
    const [name, reply] = await Promise.all([
      task.elicit("Your name?", z.object({ name: z.string() })),
      task.sample({ messages: [{ role: "user", content: { type: "text", text: "advice?" } }], maxTokens: 5 }).then((result) => {
        interview.sampled = true;
        return result;
      }),
    ]);
    yield { name: name.action === "accept" ? name.content.name : null, model: reply.model };
    await interview.finish.promise;
    return "done";
  }
}

describe("input_required", () => {
  it("is the status while a background task waits for its client's answers, and working once all are in", async () => {
    interview.sampled = false;
    interview.finish = testGate();
    const userAnswers = testGate();
    const modelAnswers = testGate();
    const sdk = new Client({ name: "asked", version: "1.0.0" }, { capabilities: { elicitation: {}, sampling: {} } });
    sdk.setRequestHandler(ElicitRequestSchema, async () => {
      await userAnswers.promise;
      return { action: "accept", content: { name: "Ada" } };
    });
    sdk.setRequestHandler(CreateMessageRequestSchema, async () => {
      await modelAnswers.promise;
      return { role: "assistant", content: { type: "text", text: "rest" }, model: "m1" };
    });
    const server = new Interviewer({ name: "interviewer", version: "1.0.0" });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new McpcClient(sdk);
    await client.connect(clientSide);
    cleanups.push(async () => {
      await client.close();
      await server.close();
    });

    const task = await client.callTool("interview", {});
    expect(task.mode).toBe("background");
    const status = async () => (await client.check(task.taskId)).status;
    await waitFor(async () => (await status()) === "input_required", "input_required while both questions are open");

    // One answer in, one still open: still waiting for the client.
    modelAnswers.open();
    await waitFor(() => interview.sampled, "the model's answer to reach the tool");
    expect(await status()).toBe("input_required");

    userAnswers.open();
    const events = task.events();
    expect((await events.next()).value).toMatchObject({ event: "created" });
    expect((await events.next()).value).toMatchObject({ event: "update", result: { name: "Ada", model: "m1" } });
    expect(await status()).toBe("working");

    interview.finish.open();
    expect(await task.value()).toBe("done");
    const final = await client.check(task.taskId);
    expect(final).toMatchObject({ status: "completed", seq: 3 });
  });
});
