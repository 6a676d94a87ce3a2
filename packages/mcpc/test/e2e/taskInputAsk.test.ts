/**
 * A task that asks (`task.ask`), answered by our client, end to end against the
 * inbox fixture over stdio and Streamable HTTP: without elicitation the question
 * comes as an `input_required` message and the answer goes back with
 * `mcpc/tasks/send`; with elicitation it is an `elicitation/create`. Also: a stop
 * while the task waits, a question that times out, and our client reaching the
 * same server as an MCP-task client (its MCPC capability removed on the way).
 */
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { McpcError } from "../../src/index.js";
import type { McpcListenerMessage } from "../../src/client/index.js";
import {
  CHOICE_SCHEMA,
  QUESTION,
  eventsOf,
  finallyCount,
  httpTargetForBlock,
  openMcpc,
  readRest,
  readUntil,
  stdioTarget,
  type Target,
  type TaskHandleEvent,
} from "./taskInputPeer.js";

const ASKED = { question_id: "q1", question: QUESTION, schema: CHOICE_SCHEMA };

function scenarios(target: () => Target) {
  it("without elicitation: the question comes as an input_required event (no seq gap), a wrong answer is refused, the answer completes the task", async () => {
    const { client } = await openMcpc(target());
    const heard: McpcListenerMessage[] = [];
    client.on((message) => heard.push(message));
    const task = await client.callTool("disambiguate", {});
    const events = task.events();
    const seen: TaskHandleEvent[] = [];
    const asked = await readUntil(events, seen, (event) => event.event === "input_required");

    // It carries the seq of the event before it, as a heartbeat does: a status, not an event.
    expect(asked).toMatchObject({ type: "input_required", task_id: task.taskId, tool_name: "disambiguate", result: ASKED, seq: 2 });
    expect(task.question).toEqual({ id: "q1", question: QUESTION, schema: CHOICE_SCHEMA });
    expect((await client.check(task.taskId)).status).toBe("input_required");
    expect(heard.filter((message) => message.event === "input_required")).toEqual([asked]);

    const wrong = await task.answer({ choice: "lyon" }).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(McpcError);
    expect(wrong).toMatchObject({ code: "INVALID_MESSAGE", message: expect.stringContaining(`Refused the answer to "${QUESTION}": choice: Invalid option`) });
    expect(task.question?.id).toBe("q1");

    expect(await task.answer({ choice: "paris-tx" })).toEqual({ answered: true, queued: 0 });
    expect(task.question).toBeUndefined();
    await readRest(events, seen);
    expect(eventsOf(seen)).toEqual([
      ["created", null],
      ["update", "found two matches"],
      ["input_required", ASKED],
      ["complete", "you meant paris-tx"],
    ]);
    expect(seen.map((event) => event.seq)).toEqual([1, 2, 2, 3]);
    expect(task.missed).toBe(0);
  });

  it("with elicitation declared: the question is an elicitation, and its accepted content is the answer", async () => {
    const { client, elicited } = await openMcpc(target(), { elicit: () => ({ action: "accept", content: { choice: "paris-fr" } }) });
    const task = await client.callTool("disambiguate", {});
    const seen: TaskHandleEvent[] = [];
    await readRest(task.events(), seen);

    expect(eventsOf(seen)).toEqual([
      ["created", null],
      ["update", "found two matches"],
      ["complete", "you meant paris-fr"],
    ]);
    expect(elicited).toHaveLength(1);
    expect(elicited[0]?.params).toMatchObject({ message: QUESTION, requestedSchema: { type: "object", properties: { choice: { type: "string", enum: ["paris-fr", "paris-tx"] } } } });
  });

  it("a task stopped while it waits for an answer ends with exactly one cancelled event, and its finally runs", async () => {
    const { client } = await openMcpc(target());
    const before = await finallyCount(client.sdk);
    const task = await client.callTool("disambiguate", {});
    const events = task.events();
    const seen: TaskHandleEvent[] = [];
    await readUntil(events, seen, (event) => event.event === "input_required");

    const { stopped, task: snapshot } = await task.stop();
    await readRest(events, seen);
    expect(stopped).toBe(true);
    expect(snapshot.status).toBe("cancelled");
    expect(seen.filter((event) => event.event === "cancelled")).toHaveLength(1);
    expect(seen.at(-1)?.event).toBe("cancelled");
    expect(await finallyCount(client.sdk)).toBe(before + 1);
    await expect(task.answer({ choice: "paris-fr" })).rejects.toMatchObject({ code: "TASK_ENDED" });
  });

  it("a question nobody answers in time reaches the tool as an error it catches (QUESTION_TIMEOUT)", async () => {
    const { client } = await openMcpc(target());
    const task = await client.callTool("disambiguate", { timeoutMs: 300 });
    const seen: TaskHandleEvent[] = [];
    await readRest(task.events(), seen);

    expect(eventsOf(seen).map(([event]) => event)).toEqual(["created", "update", "input_required", "complete"]);
    expect(await task.value()).toBe(`nobody answered: Nobody answered "${QUESTION}" within 300 ms.`);
    expect(task.question).toBeUndefined();
  });
}

describe("a task asks our client, over stdio", () => {
  scenarios(() => stdioTarget());
});

describe("a task asks our client, over Streamable HTTP", () => {
  const http = httpTargetForBlock();
  scenarios(() => http);
});

/**
 * A proxy between client and server that takes MCPC out of the handshake both
 * ways (the client's capability, the server's answer): what a gateway that drops
 * unknown capabilities does. The two then meet as an MCP-task client and server.
 */
class WithoutMcpc implements Transport {
  readonly #inner: Transport;
  onmessage?: Transport["onmessage"];
  onclose?: () => void;
  onerror?: (error: Error) => void;

  constructor(inner: Transport) {
    this.#inner = inner;
    inner.onmessage = (message, extra) => {
      const result = "result" in message ? (message.result as { serverInfo?: unknown; capabilities?: Record<string, unknown> }) : undefined;
      if (result?.serverInfo !== undefined && result.capabilities) {
        const { experimental: _mcpc, ...capabilities } = result.capabilities;
        this.onmessage?.({ ...message, result: { ...result, capabilities } } as JSONRPCMessage, extra);
      } else this.onmessage?.(message, extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ("method" in message && message.method === "initialize" && message.params) {
      const { experimental: _mcpc, ...capabilities } = message.params.capabilities as Record<string, unknown>;
      return this.#inner.send({ ...message, params: { ...message.params, capabilities } }, options);
    }
    return this.#inner.send(message, options);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

describe("a task asks our client when it reaches the server as an MCP-task client", () => {
  it("reads the question from the task's status (its schema from the status tool) and answers through task_send", async () => {
    const stdio = stdioTarget();
    const { client } = await openMcpc({ name: "stdio", transport: () => new WithoutMcpc(stdio.transport()) }, { legacy: false });
    expect(client.dialect).toBe("plain");
    const task = await client.callTool("disambiguate", {});
    expect(task.mode).toBe("mcp-task");
    const events = task.events();
    const seen: TaskHandleEvent[] = [];
    const asked = await readUntil(events, seen, (event) => event.event === "input_required");

    expect(asked.result).toEqual(ASKED);
    expect(task.question).toEqual({ id: "q1", question: QUESTION, schema: CHOICE_SCHEMA });
    await expect(task.answer({ choice: "rome" })).rejects.toMatchObject({ code: "INVALID_MESSAGE", message: expect.stringContaining("choice") });
    expect(await task.answer({ choice: "paris-fr" })).toEqual({ answered: true, queued: 0 });
    await readRest(events, seen);
    expect(seen.at(-1)).toMatchObject({ event: "complete", result: "you meant paris-fr" });
    // The question is an event of its own, not an update that repeats the status.
    expect(seen.filter((event) => JSON.stringify(event.result).includes("answer with task_send"))).toEqual([]);
  });

  it("client.send without a handle goes through the send tool the server lists", async () => {
    const stdio = stdioTarget();
    const { client } = await openMcpc({ name: "stdio", transport: () => new WithoutMcpc(stdio.transport()) }, { legacy: false });
    const task = await client.callTool("tally", { count: 1 });
    // An MCP task's string yield comes as progress: { progress, message: "ready" }.
    await readUntil(task.events(), [], (event) => (event.result as { message?: string } | null)?.message === "ready");
    expect(await client.send(task.taskId, { item: 3 })).toMatchObject({ answered: false });
    expect(await task.value()).toEqual({ items: [3] });
  });
});
