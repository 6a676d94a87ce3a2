/**
 * What the MCP tasks e2e tests share: fixture targets over stdio and HTTP, SDK clients
 * that record progress and status notifications, and task helpers. Every client and
 * server opened here is closed after each test (or after its block).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ProgressCallback } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolResultSchema,
  ElicitRequestSchema,
  TaskStatusNotificationSchema,
  type CallToolResult,
  type ElicitRequest,
  type ElicitResult,
  type Task,
} from "@modelcontextprotocol/sdk/types.js";
import { waitFor } from "../support/async.js";
import { cleanups, httpFixtureForBlock, stdioFixture, type HttpTarget, type Target } from "./fixtureTargets.js";
import { fixture } from "./harness.js";

export const FIXTURE = fixture("mcpTasksServer.ts");
/** The server options every test here runs with (see the fixture's header). */
export const OPTIONS = ["--page-size", "5", "--poll-interval-ms", "50", "--max-ttl-ms", "60000"];
export const MODEL_IMMEDIATE_RESPONSE = "io.modelcontextprotocol/model-immediate-response";
export const TERMINAL = new Set(["completed", "failed", "cancelled"]);

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


export interface Session {
  readonly client: Client;
  /** Every `notifications/tasks/status`, in the order they arrived. */
  readonly statuses: Task[];
}

export interface OpenOptions {
  /** HTTP headers of the session (e.g. a bearer token). */
  headers?: Record<string, string>;
  /** Declares `elicitation` and answers each `elicitation/create` with this. */
  elicit?: (request: ElicitRequest) => ElicitResult | Promise<ElicitResult>;
}

/** A task-capable SDK client in a new session; closed (its HTTP session ended) after the test. */
export async function open(target: Target, options: OpenOptions = {}): Promise<Session> {
  const client = new Client(
    { name: "e2e-mcp-tasks", version: "1.0.0" },
    { capabilities: { tasks: {}, ...(options.elicit && { elicitation: {} }) } },
  );
  const statuses: Task[] = [];
  client.setNotificationHandler(TaskStatusNotificationSchema, (notification) => {
    const { _meta: _ignored, ...task } = notification.params;
    statuses.push(task);
  });
  const { elicit } = options;
  if (elicit) client.setRequestHandler(ElicitRequestSchema, (request) => elicit(request));
  const transport = target.transport(options.headers);
  cleanups.push(async () => {
    if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
      await transport.terminateSession().catch(() => undefined);
    }
    await client.close();
  });
  await client.connect(transport);
  return { client, statuses };
}

// ---------------------------------------------------------------------------
// Calls

export interface TaskCallOptions {
  ttl?: number;
  onprogress?: ProgressCallback;
}

/**
 * Makes a task-augmented `tools/call` with the SDK's `callToolStream` and
 * returns the task of its CreateTaskResult (the stream's first message),
 * leaving the polling to the test. Rejects with the call's McpError.
 */
export async function createTask(client: Client, name: string, args: Record<string, unknown> = {}, options: TaskCallOptions = {}): Promise<Task> {
  const stream = client.experimental.tasks.callToolStream({ name, arguments: args }, CallToolResultSchema, {
    task: options.ttl === undefined ? {} : { ttl: options.ttl },
    ...(options.onprogress && { onprogress: options.onprogress }),
    timeout: 15_000,
  });
  try {
    const first = await stream.next();
    if (first.done) throw new Error(`tools/call ${name} ended without an answer`);
    if (first.value.type === "error") throw first.value.error;
    if (first.value.type !== "taskCreated") throw new Error(`tools/call ${name} answered ${first.value.type}, not taskCreated`);
    return first.value.task;
  } finally {
    await stream.return(undefined);
  }
}

/** Polls `tasks/get` (bounded) until `until` holds; returns every state it saw, the last one matching. */
export async function pollTask(client: Client, taskId: string, until: (task: Task) => boolean, what: string, timeoutMs = 10_000): Promise<Task[]> {
  const seen: Task[] = [];
  await waitFor(
    async () => {
      const { _meta: _ignored, ...task } = await client.experimental.tasks.getTask(taskId);
      seen.push(task);
      return until(task);
    },
    what,
    timeoutMs,
  );
  return seen;
}

export function taskResult(client: Client, taskId: string): Promise<CallToolResult> {
  return client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, { timeout: 15_000 });
}

/** The result without `_meta`: what a task's result and a plain call's have in common. */
export function withoutMeta(result: CallToolResult): Omit<CallToolResult, "_meta"> {
  const { _meta: _ignored, ...rest } = result;
  return rest;
}

export const textOf = (result: CallToolResult) => result.content.map((block) => (block.type === "text" ? block.text : "")).join("");

export async function finalized(client: Client): Promise<{ count: number; taskIds: string[] }> {
  const result = await client.callTool({ name: "finally_count", arguments: {} });
  return result.structuredContent as { count: number; taskIds: string[] };
}

/** Every task `tasks/list` shows this client, page by page (bounded). */
export async function listAll(client: Client): Promise<{ pages: Task[][]; tasks: Task[] }> {
  const pages: Task[][] = [];
  let cursor: string | undefined;
  do {
    const page = await client.experimental.tasks.listTasks(cursor);
    pages.push(page.tasks);
    cursor = page.nextCursor;
    if (pages.length > 50) throw new Error("tasks/list did not stop paging after 50 pages");
  } while (cursor !== undefined);
  return { pages, tasks: pages.flat() };
}

export const statusesOf = (session: Session, taskId: string) => session.statuses.filter((task) => task.taskId === taskId).map((task) => task.status);

/** Waits (bounded) for the terminal `notifications/tasks/status` of a task; returns its statuses in order. */
export async function terminalStatuses(session: Session, taskId: string): Promise<string[]> {
  await waitFor(() => statusesOf(session, taskId).some((status) => TERMINAL.has(status)), `the terminal notifications/tasks/status of ${taskId}`, 10_000);
  return statusesOf(session, taskId);
}

// ---------------------------------------------------------------------------
// One behaviour, every transport
