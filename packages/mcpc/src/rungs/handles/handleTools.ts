import type { CallToolResult, Tool as WireTool } from "@modelcontextprotocol/sdk/types.js";
import { McpcError } from "../../errors.js";
import type { TaskSnapshot } from "../../protocol/message.js";
import type { CallSession } from "../../call/callSession.js";
import { errorResult } from "../../call/toolResult.js";
import { describeValue } from "../../util/describe.js";
import type { CallExtra } from "../rung.js";
import { plainResultOf } from "../mcpTasks/mcpTaskView.js";
import type { ResolvedJobHandles } from "./handleOptions.js";
import { settledWithin } from "../../util/deferred.js";
import { listResult, statusResult, stillRunningResult } from "./handleView.js";

/** Tasks `task_status` lists when called without an id. */
const LISTED = 20;

const TASK_ID = { type: "string", description: "The taskId a handle gave (from the answer of the tool that started the task)." } as const;

/** The handle tools as `tools/list` shows them: described for a model to use well. */
export function handleToolsWire(handles: ResolvedJobHandles): WireTool[] {
  const { status, result, stop } = handles.names;
  return [...statusTools(status, result, stop, handles), sendToolWire(handles)];
}

/** The send tool alone: what a client that asks for MCP tasks is offered (its rung has no other way to send a task a message). */
export function sendToolWire(handles: ResolvedJobHandles): WireTool {
  return {
    name: handles.names.send,
    description:
      "Send a message to a background task that is still running: the answer to a question it asked (task_status shows the question and the schema " +
      "the answer must match), or an instruction the tool accepts while it works (for example what to focus on next). Refused with the reason when " +
      "the message does not match, the task takes no messages, or it has ended.",
    inputSchema: { type: "object", properties: { taskId: TASK_ID, message: { description: "The answer, or the message, as the task's schema asks." } }, required: ["taskId", "message"] },
    annotations: { openWorldHint: false },
  };
}

function statusTools(status: string, result: string, stop: string, handles: ResolvedJobHandles): WireTool[] {
  const seconds = Math.round(handles.afterMs / 1000);
  return [
    {
      name: status,
      description:
        "See how a background task started earlier in this conversation is doing: its status (working, input_required, completed, failed, cancelled), " +
        `its latest progress, its error, or the question it waits on (answer it with ${handles.names.send}). Use the taskId a tool's answer gave. Without taskId, lists this conversation's recent tasks, newest first.`,
      inputSchema: { type: "object", properties: { taskId: TASK_ID } },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: result,
      description:
        `Wait for a background task's result, up to about ${seconds} s. Once it has finished, answers exactly what the tool itself answers. ` +
        `If it is still running then, says so with its latest progress: call ${result} again later.`,
      inputSchema: { type: "object", properties: { taskId: TASK_ID }, required: ["taskId"] },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    {
      name: stop,
      description: `Stop a background task that is still running (it ends as cancelled, and its result will not come). Use it when the user no longer wants the result.`,
      inputSchema: { type: "object", properties: { taskId: TASK_ID }, required: ["taskId"] },
      annotations: { destructiveHint: true, openWorldHint: false },
    },
  ];
}

/**
 * Serves a call of a handle tool; undefined when `name` is not one. Only the
 * caller's own tasks (its session's, or its principal's): an unknown or foreign
 * id is an `isError` result naming it. They work for every task of the owner,
 * whichever rung started it.
 */
export function serveHandleTool(session: CallSession, handles: ResolvedJobHandles, name: string, args: unknown, extra: CallExtra): Promise<CallToolResult> | undefined {
  const { status, result, stop, send } = handles.names;
  if (name !== status && name !== result && name !== stop && name !== send) return undefined;
  return answer(session, handles, name, args, extra).catch((error: unknown) => {
    if (error instanceof McpcError) {
      // The code rides along for programs (a client's send reads it back as the same McpcError); the text is for the model.
      return { ...errorResult(error.code === "UNKNOWN_TASK" ? unknownTaskText(error.message, handles) : error.message), structuredContent: { code: error.code } };
    }
    throw error;
  });
}

async function answer(session: CallSession, handles: ResolvedJobHandles, name: string, args: unknown, extra: CallExtra): Promise<CallToolResult> {
  const { registry } = session.runtime;
  const owner = session.owner;
  const taskId = readTaskId(args, name === handles.names.status);
  if (taskId instanceof Error) return errorResult(taskId.message);
  if (name === handles.names.status) {
    if (taskId === undefined) return listResult(newestFirst(await registry.list(owner)).slice(0, LISTED), handles);
    return statusResult(await registry.get(owner, taskId), handles, session.runtime.inboxes?.get(owner, taskId)?.question);
  }
  if (taskId === undefined) return errorResult(`${name} needs the taskId of the task.`);
  if (name === handles.names.send) return sendMessage(session, taskId, args);
  if (name === handles.names.stop) {
    const outcome = await registry.stop(owner, taskId, "Stopped by the client (task_stop)");
    if (!outcome.stopped) return statusResult(outcome.task, handles);
    return { content: [{ type: "text", text: `"${outcome.task.tool_name}" was stopped: task "${taskId}" is ${outcome.task.status}.` }], structuredContent: { taskId, status: outcome.task.status } };
  }
  await registry.get(owner, taskId);
  await settledWithin(registry.whenEnded(owner, taskId, extra.signal), handles.afterMs);
  const task = await registry.get(owner, taskId);
  return task.status === "working" || task.status === "input_required" ? stillRunningResult(task, handles) : plainResultOf(task);
}

async function sendMessage(session: CallSession, taskId: string, args: unknown): Promise<CallToolResult> {
  const { runtime, owner } = session;
  if (!runtime.inboxes) return errorResult("This server's tasks take no messages.");
  if (typeof args !== "object" || args === null || !Object.hasOwn(args, "message")) return errorResult('Send needs a "message": the answer, or what the task accepts.');
  const outcome = await runtime.inboxes.send(owner, taskId, (args as { message: unknown }).message, (tool) => runtime.tools.get(tool)?.accepts);
  const text = outcome.answered ? `Answered: task "${taskId}" goes on with your answer.` : `Sent: task "${taskId}" will read it (${outcome.queued} message(s) waiting).`;
  return { content: [{ type: "text", text }], structuredContent: { taskId, answered: outcome.answered, queued: outcome.queued } };
}

function readTaskId(args: unknown, optional: boolean): string | undefined | Error {
  const taskId = (args as { taskId?: unknown } | undefined)?.taskId;
  if (taskId === undefined && optional) return undefined;
  if (typeof taskId !== "string" || taskId.length === 0) return new Error(`taskId must be the task's id as a string (the one a tool's answer gave); got ${describeValue(taskId)}.`);
  return taskId;
}

function unknownTaskText(message: string, handles: ResolvedJobHandles): string {
  return `${message} Call ${handles.names.status} without a taskId to list this conversation's tasks.`;
}

function newestFirst(tasks: TaskSnapshot[]): TaskSnapshot[] {
  return tasks.sort((a, b) => b.created_at - a.created_at);
}
