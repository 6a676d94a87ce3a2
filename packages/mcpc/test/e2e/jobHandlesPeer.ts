/**
 * What the job-handle e2e tests share: fixture targets over stdio and HTTP, plain
 * SDK clients that record resource-updated and log notifications, and helpers for
 * the handle tools. Every client and server opened here is closed after each test
 * (or after its block), even when the test fails.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolResultSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
  type CallToolResult,
  type ClientCapabilities,
  type LoggingMessageNotification,
} from "@modelcontextprotocol/sdk/types.js";
import { cleanups, httpFixtureForBlock, stdioFixture, type HttpTarget, type Target } from "./fixtureTargets.js";
import { fixture } from "./harness.js";

export const FIXTURE = fixture("jobHandlesServer.ts");
/** The server-wide handle threshold of the scenarios (the fixture's `eager_steps` keeps its own 200 ms). */
export const AFTER_MS = 800;
export const OPTIONS = ["--handle-after", String(AFTER_MS)];
export const HANDLE_TOOLS = { status: "task_status", result: "task_result", stop: "task_stop" };

// ---------------------------------------------------------------------------
// Targets and sessions

export type { HttpTarget, Target } from "./fixtureTargets.js";

export function stdioTarget(args: readonly string[] = OPTIONS): Target {
  return stdioFixture(FIXTURE, args);
}

/** One HTTP server for the tests of a describe block: started before them, stopped after them even when one fails. */
export function httpTargetForBlock(args: readonly string[] = OPTIONS): HttpTarget {
  return httpFixtureForBlock(FIXTURE, args);
}


export interface Plain {
  readonly client: Client;
  readonly transport: Transport;
  /** Every `notifications/resources/updated`: its URI and when it arrived (performance.now()). */
  readonly updated: { uri: string; at: number }[];
  /** Every `notifications/message`'s params, in the order they arrived. */
  readonly logs: LoggingMessageNotification["params"][];
}

/** An SDK client (plain unless given capabilities) in a new session; closed (its HTTP session ended) after the test. */
export async function open(target: Target, capabilities: ClientCapabilities = {}): Promise<Plain> {
  const client = new Client({ name: "e2e-job-handles", version: "1.0.0" }, { capabilities });
  const session: Plain = { client, transport: target.transport(), updated: [], logs: [] };
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void session.updated.push({ uri: n.params.uri, at: performance.now() }));
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void session.logs.push(n.params));
  const { transport } = session;
  cleanups.push(async () => {
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
      await transport.terminateSession().catch(() => undefined);
    }
    await client.close();
  });
  await client.connect(transport);
  return session;
}

// ---------------------------------------------------------------------------
// Calls

/** What a handle (and `task_status`) says about a task, as structuredContent. */
export interface Facts {
  taskId: string;
  tool: string;
  status: string;
  latestUpdate?: unknown;
  progress?: { progress: number; total?: number };
  error?: string;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  handle?: { status: string; result: string; stop: string };
}

/** A tools/call and how long its answer took (ms). */
export async function timedCall(client: Client, name: string, args: Record<string, unknown> = {}, options?: RequestOptions): Promise<{ result: CallToolResult; ms: number }> {
  const started = performance.now();
  const result = (await client.callTool({ name, arguments: args }, CallToolResultSchema, { timeout: 20_000, ...options })) as CallToolResult;
  return { result, ms: performance.now() - started };
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await timedCall(client, name, args)).result;
}

export const textOf = (result: CallToolResult) => result.content.map((block) => (block.type === "text" ? block.text : "")).join("");

export const factsOf = (result: CallToolResult) => result.structuredContent as unknown as Facts;

/** Calls a background tool that must outlive its threshold, and returns its handle's facts. */
export async function handOff(client: Client, name: string, args: Record<string, unknown>): Promise<Facts> {
  const result = await call(client, name, args);
  const facts = factsOf(result);
  if (result.isError || typeof facts?.taskId !== "string" || facts.handle === undefined) {
    throw new Error(`${name} answered no handle: ${JSON.stringify(result)}`);
  }
  return facts;
}

export async function status(client: Client, taskId: string, tools = HANDLE_TOOLS): Promise<Facts> {
  const result = await call(client, tools.status, { taskId });
  if (result.isError) throw new Error(`${tools.status} ${taskId}: ${textOf(result)}`);
  return factsOf(result);
}

/** True for `task_result`'s "still running" answer (a handle), false for the tool's own result. */
export const stillRunning = (result: CallToolResult) => !result.isError && factsOf(result)?.handle !== undefined && factsOf(result).status === "working";

/** `task_result` until it answers the tool's result (each call waits up to the threshold), at most `rounds` times. */
export async function finalResult(client: Client, taskId: string, rounds = 10, tools = HANDLE_TOOLS): Promise<CallToolResult> {
  for (let round = 0; round < rounds; round++) {
    const result = await call(client, tools.result, { taskId });
    if (!stillRunning(result)) return result;
  }
  throw new Error(`${tools.result} ${taskId} still running after ${rounds} calls`);
}

export async function finalized(client: Client): Promise<{ count: number; taskIds: string[] }> {
  return factsOf(await call(client, "finally_count")) as unknown as { count: number; taskIds: string[] };
}

/** The result without `_meta`: what two answers of the same tool have in common. */
export function withoutMeta(result: CallToolResult): Omit<CallToolResult, "_meta"> {
  const { _meta: _ignored, ...rest } = result;
  return rest;
}
