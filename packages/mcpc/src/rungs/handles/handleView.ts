import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { TaskSnapshot } from "../../protocol/message.js";
import { messageOfUpdate } from "../mcpTasks/mcpTaskView.js";
import type { ResolvedJobHandles } from "./handleOptions.js";

/** A question the task waits on, as the handle tools show it. */
export interface QuestionFacts {
  questionId: string;
  question: string;
  /** The answer's JSON Schema. */
  schema: Record<string, unknown>;
}

/** What the handle tools say about one task, as `structuredContent` (and, in words, as text). */
export interface TaskFacts extends Record<string, unknown> {
  taskId: string;
  tool: string;
  status: TaskSnapshot["status"];
  /** The latest update, as the tool yielded it. */
  latestUpdate?: unknown;
  /** The latest update's progress, when it carried numbers. */
  progress?: { progress: number; total?: number };
  /** The error of a task that failed, or why it was cancelled. */
  error?: string;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** The question the task waits on (`input_required`), to answer with the send tool. */
  question?: QuestionFacts;
}

/** A pending question as the inbox keeps it. */
export interface PendingQuestionView {
  readonly id: string;
  readonly question: string;
  readonly schema: Record<string, unknown>;
}

/** The facts of a task, from its record. */
export function factsOf(task: TaskSnapshot, question?: PendingQuestionView): TaskFacts {
  const facts: TaskFacts = {
    taskId: task.task_id,
    tool: task.tool_name,
    status: task.status,
    startedAt: new Date(task.created_at).toISOString(),
    updatedAt: new Date(task.updated_at).toISOString(),
  };
  if (task.last_update !== undefined) facts.latestUpdate = task.last_update;
  const progress = progressOf(task.last_update);
  if (progress) facts.progress = progress;
  if (task.error !== undefined) facts.error = task.error;
  if (task.finished_at !== undefined) facts.finishedAt = new Date(task.finished_at).toISOString();
  if (question) facts.question = { questionId: question.id, question: question.question, schema: question.schema };
  return facts;
}

/** "step 3/5", "3/5 (60%)", or nothing: the latest update in a few words. */
export function progressWords(update: unknown): string | undefined {
  const message = messageOfUpdate(update);
  if (message !== undefined) return message;
  const progress = progressOf(update);
  if (!progress) return undefined;
  return progress.total === undefined ? `progress ${progress.progress}` : `${progress.progress}/${progress.total}`;
}

function progressOf(update: unknown): { progress: number; total?: number } | undefined {
  if (typeof update !== "object" || update === null) return undefined;
  const { progress, total } = update as { progress?: unknown; total?: unknown };
  if (typeof progress !== "number" || !Number.isFinite(progress)) return undefined;
  return typeof total === "number" && Number.isFinite(total) ? { progress, total } : { progress };
}

function running(task: TaskSnapshot): string {
  const words = progressWords(task.last_update);
  return `"${task.tool_name}" is still running${words === undefined ? "" : ` (${words})`}.`;
}

/** How to follow a task, for the model: the three tools and the id to pass. */
function howToFollow(task: TaskSnapshot, handles: ResolvedJobHandles): string {
  const { status, result, stop } = handles.names;
  return `call ${status} with taskId "${task.task_id}" to see how it is doing, ${result} to wait for its result, ${stop} to stop it.`;
}

/** The answer of a plain call whose task outlived the handle threshold, or asked a question: what happened, and what to do. */
export function handoffResult(task: TaskSnapshot, handles: ResolvedJobHandles, question?: PendingQuestionView): CallToolResult {
  const text = question
    ? `${asking(task, question, handles)} Meanwhile it waits in the background: ${howToFollow(task, handles)}`
    : `${running(task)} It continues in the background: ${howToFollow(task, handles)}`;
  return { content: [{ type: "text", text }], structuredContent: { ...factsOf(task, question), handle: handles.names } };
}

/** A task waiting for an answer, in words: the question, its schema, and how to answer. */
function asking(task: TaskSnapshot, question: PendingQuestionView, handles: ResolvedJobHandles): string {
  return (
    `"${task.tool_name}" asks: ${question.question} Answer with ${handles.names.send}, taskId "${task.task_id}" and a message matching ` +
    `${JSON.stringify(question.schema)} (ask the user if you do not know the answer).`
  );
}

/** `task_result` still waiting when its time ran out: the latest update, and to call again. */
export function stillRunningResult(task: TaskSnapshot, handles: ResolvedJobHandles): CallToolResult {
  const text = `${running(task)} Its result is not ready yet: call ${handles.names.result} with taskId "${task.task_id}" again later, or ${handles.names.stop} to stop it.`;
  return { content: [{ type: "text", text }], structuredContent: { ...factsOf(task), handle: handles.names } };
}

/** `task_status` of one task. */
export function statusResult(task: TaskSnapshot, handles: ResolvedJobHandles, question?: PendingQuestionView): CallToolResult {
  const facts = factsOf(task, question);
  let text: string;
  switch (task.status) {
    case "working":
      text = `${running(task)} Call ${handles.names.result} with taskId "${task.task_id}" to wait for its result.`;
      break;
    case "input_required":
      text = question ? asking(task, question, handles) : `"${task.tool_name}" is waiting for an answer from the user.`;
      break;
    case "completed":
      text = `"${task.tool_name}" has completed. Call ${handles.names.result} with taskId "${task.task_id}" for its result.`;
      break;
    case "failed":
      text = `"${task.tool_name}" failed: ${task.error ?? "no reason given"}.`;
      break;
    case "cancelled":
      text = `"${task.tool_name}" was cancelled: ${task.error ?? "stopped"}.`;
      break;
  }
  return { content: [{ type: "text", text }], structuredContent: facts };
}

/** `task_status` without an id: the session's tasks, newest first. */
export function listResult(tasks: readonly TaskSnapshot[], handles: ResolvedJobHandles): CallToolResult {
  if (tasks.length === 0) return { content: [{ type: "text", text: "No background tasks in this conversation." }], structuredContent: { tasks: [] } };
  const lines = tasks.map((task) => `- ${task.task_id}: "${task.tool_name}" ${task.status}${task.status === "working" ? ` (${progressWords(task.last_update) ?? "running"})` : ""}`);
  const text = `Background tasks in this conversation, newest first:\n${lines.join("\n")}\nCall ${handles.names.status} with a taskId for one of them.`;
  return { content: [{ type: "text", text }], structuredContent: { tasks: tasks.map((task) => factsOf(task)) } };
}
