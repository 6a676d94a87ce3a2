/**
 * What the task-input e2e tests share: the inbox fixture over stdio and HTTP, our
 * client (with or without elicitation), SDK clients (MCP tasks, plain), and a few
 * helpers. Every client and server opened here is closed after each test (or
 * after its block), even when the test fails.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, type CallToolResult, type ElicitRequest, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { McpcClient, type McpcClientOptions, type TaskHandle, type TaskHandleEvent } from "../../src/client/index.js";
import { cleanups, httpFixtureForBlock, stdioFixture, type HttpTarget, type Target } from "./fixtureTargets.js";
import { fixture } from "./harness.js";

export const FIXTURE = fixture("inboxServer.ts");
export const QUESTION = "Which match did you mean?";
/** The answer's JSON Schema, as `task.ask` publishes the fixture's zod schema. */
export const CHOICE_SCHEMA = { type: "object", properties: { choice: { type: "string", enum: ["paris-fr", "paris-tx"] } }, required: ["choice"] };

// ---------------------------------------------------------------------------
// Targets

export type { HttpTarget, Target } from "./fixtureTargets.js";

export function stdioTarget(args: readonly string[] = []): Target {
  return stdioFixture(FIXTURE, args);
}

/** One HTTP server for the tests of a describe block: started before them, stopped after them even when one fails. */
export function httpTargetForBlock(args: readonly string[] = []): HttpTarget {
  return httpFixtureForBlock(FIXTURE, args);
}


// ---------------------------------------------------------------------------
// Clients

/** Declares `elicitation` on an SDK client and answers each `elicitation/create` with `answer` (recording the requests). */
export function answerElicitations(client: Client, answer: (request: ElicitRequest) => ElicitResult): ElicitRequest[] {
  const asked: ElicitRequest[] = [];
  client.registerCapabilities({ elicitation: {} });
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    asked.push(request);
    return answer(request);
  });
  return asked;
}

export interface OpenMcpcOptions extends McpcClientOptions {
  /** Declares `elicitation` and answers each `elicitation/create` with this. */
  elicit?: (request: ElicitRequest) => ElicitResult;
}

/** Our client in a new session; closed after the test. `elicited` records the elicitations it answered. */
export async function openMcpc(target: Target, options: OpenMcpcOptions = {}): Promise<{ client: McpcClient; elicited: ElicitRequest[] }> {
  const { elicit, ...clientOptions } = options;
  const sdk = new Client({ name: "e2e-task-input", version: "1.0.0" });
  const elicited = elicit ? answerElicitations(sdk, elicit) : [];
  const client = new McpcClient(sdk, clientOptions);
  cleanups.push(() => client.close());
  await client.connect(target.transport());
  return { client, elicited };
}

/** An SDK client (no MCPC) with `capabilities`, in a new session; closed (its HTTP session ended) after the test. */
export async function openSdk(target: Target, capabilities: { tasks?: boolean; elicit?: (request: ElicitRequest) => ElicitResult } = {}): Promise<{ client: Client; elicited: ElicitRequest[] }> {
  const client = new Client({ name: "e2e-task-input-sdk", version: "1.0.0" }, { capabilities: capabilities.tasks ? { tasks: {} } : {} });
  const elicited = capabilities.elicit ? answerElicitations(client, capabilities.elicit) : [];
  const transport = target.transport();
  cleanups.push(async () => {
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) await transport.terminateSession().catch(() => undefined);
    await client.close();
  });
  await client.connect(transport);
  return { client, elicited };
}

// ---------------------------------------------------------------------------
// Helpers

/** Reads a handle's events until `until` accepts one (which is returned); every event read is pushed to `seen`. */
export async function readUntil(events: AsyncIterator<TaskHandleEvent>, seen: TaskHandleEvent[], until: (event: TaskHandleEvent) => boolean): Promise<TaskHandleEvent> {
  for (;;) {
    const next = await events.next();
    if (next.done) throw new Error(`the task ended before the event waited for; saw ${seen.map((event) => event.event).join(", ")}`);
    seen.push(next.value);
    if (until(next.value)) return next.value;
  }
}

/** Reads the rest of a handle's events into `seen`. */
export async function readRest(events: AsyncIterator<TaskHandleEvent>, seen: TaskHandleEvent[]): Promise<void> {
  for (let next = await events.next(); !next.done; next = await events.next()) seen.push(next.value);
}

/** How many finally blocks the fixture process has run (its `finally_count` tool), through an SDK client (`mcpc.sdk` for ours). */
export async function finallyCount(client: Client): Promise<number> {
  const result = (await client.callTool({ name: "finally_count", arguments: {} })) as CallToolResult;
  return (result.structuredContent as { count: number }).count;
}

/** Our client's handle's events, as `[event, result]` pairs (seq left out). */
export const eventsOf = (events: readonly TaskHandleEvent[]) => events.map((event) => [event.event, event.result]);

export const textOf = (result: CallToolResult) => result.content.map((block) => (block.type === "text" ? block.text : "")).join("");

export type { TaskHandle, TaskHandleEvent };
