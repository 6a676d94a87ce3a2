/**
 * Talking to a running task from the client: the question it asked, and how a
 * message reaches it on each kind of server (`mcpc/tasks/send` natively, the
 * send tool of an mcpc server reached without MCPC, nothing otherwise).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { McpcError, type McpcErrorCode } from "../errors.js";
import type { McpcInputRequiredMessage } from "../protocol/message.js";
import { toLocalError } from "./answers.js";

/** What a send reports: whether the message answered the task's question, and how many messages wait in its inbox now. */
export interface SendOutcome {
  readonly answered: boolean;
  readonly queued: number;
}

/**
 * A question a running task asked (`task.ask` on the server) and still waits on.
 * The next message sent to the task answers it, and must match `schema`.
 */
export interface TaskQuestion {
  /** The server's id of the question (`q1`, `q2`, … within the task); `""` when the server did not say. */
  readonly id: string;
  readonly question: string;
  /** The JSON Schema the answer must match; `{}` (anything, the server checks) when the server did not say. */
  readonly schema: Record<string, unknown>;
}

/** The answer of `mcpc/tasks/send` (and the `structuredContent` of the send tool). */
export const SendResult = z.object({ answered: z.boolean(), queued: z.number() });

/** The question a native `input_required` message carries. */
export function questionOf(message: McpcInputRequiredMessage): TaskQuestion {
  const { question_id, question, schema } = message.result;
  return { id: question_id, question, schema };
}

/**
 * An `input_required` message for a question the client learned some other way
 * (an MCP task's status): the same shape as the native one, so handles and
 * readers see one kind of question. `seq` is the last event's, as on the wire.
 */
export function localQuestionMessage(taskId: string, toolName: string, question: TaskQuestion, seq: number): McpcInputRequiredMessage {
  return {
    type: "input_required",
    event: "input_required",
    session_id: "",
    task_id: taskId,
    tool_name: toolName,
    result: { question_id: question.id, question: question.question, schema: question.schema },
    protocol: "mcpc",
    seq,
  };
}

/**
 * Reads the question out of an MCP task's status message, as an mcpc server
 * writes it while `task.ask` waits: `"<question> (answer with <send tool>)"`.
 * Undefined for any other message (an elicitation's wait, another server's words).
 */
export function questionInStatus(message: string | undefined): { question: string; sendTool: string } | undefined {
  const match = message === undefined ? null : /^([\s\S]*) \(answer with ([A-Za-z0-9_.-]+)\)$/.exec(message);
  if (!match?.[1] || !match[2]) return undefined;
  return { question: match[1], sendTool: match[2] };
}

const QuestionFacts = z.object({ questionId: z.string(), question: z.string(), schema: z.record(z.string(), z.unknown()) });

/**
 * The pending question of a task as the send tool's sibling status tool shows it
 * (`task_send` → `task_status`, which an mcpc server answers for any session):
 * the only place an MCP task's question carries its id and schema. Undefined when
 * that tool does not answer with one.
 */
export async function questionFromStatusTool(sdk: Client, sendTool: string, taskId: string, signal?: AbortSignal): Promise<TaskQuestion | undefined> {
  if (!sendTool.endsWith("send")) return undefined;
  const statusTool = `${sendTool.slice(0, -"send".length)}status`;
  const answer = await sdk.request({ method: "tools/call", params: { name: statusTool, arguments: { taskId } } }, CallToolResultSchema, { ...(signal && { signal }) });
  if (answer.isError) return undefined;
  const facts = QuestionFacts.safeParse((answer.structuredContent as { question?: unknown } | undefined)?.question);
  return facts.success ? { id: facts.data.questionId, question: facts.data.question, schema: facts.data.schema } : undefined;
}

/**
 * Sends `message` to task `taskId` through a server's send tool (`task_send`):
 * `{ taskId, message }`. A refusal (an `isError` answer) becomes an McpcError with
 * the code the server gave (`INVALID_MESSAGE`, `INBOX_FULL`, `TASK_ENDED`, …).
 */
export async function sendThroughTool(sdk: Client, tool: string, taskId: string, message: unknown): Promise<SendOutcome> {
  let answer: z.infer<typeof CallToolResultSchema>;
  try {
    answer = await sdk.request({ method: "tools/call", params: { name: tool, arguments: { taskId, message } } }, CallToolResultSchema);
  } catch (error) {
    throw toLocalError(error);
  }
  const text = answer.content.map((item) => (item.type === "text" ? item.text : "")).join("\n");
  if (answer.isError) {
    const code = (answer.structuredContent as { code?: unknown } | undefined)?.code;
    throw new McpcError(typeof code === "string" ? (code as McpcErrorCode) : "INVALID_ARGUMENT", text || `${tool} refused the message to task "${taskId}".`);
  }
  const outcome = SendResult.safeParse(answer.structuredContent);
  if (!outcome.success) throw new McpcError("INVALID_STATE", `${tool} answered without { answered, queued }: ${text}`);
  return outcome.data;
}

/** The refusal of a send on a connection that has no way to reach a task. */
export function cannotSend(dialect: "legacy" | "plain", taskId: string): McpcError {
  return new McpcError(
    "INVALID_STATE",
    dialect === "legacy"
      ? `Cannot send task "${taskId}" a message: the server speaks the Python mcpc dialect, which has no way to send a task anything.`
      : `Cannot send task "${taskId}" a message: the server does not speak MCPC and lists no send tool (task_send).`,
  );
}
