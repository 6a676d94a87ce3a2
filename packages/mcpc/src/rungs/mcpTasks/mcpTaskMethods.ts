import {
  CancelTaskRequestSchema,
  GetTaskPayloadRequestSchema,
  GetTaskRequestSchema,
  ListTasksRequestSchema,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { CallSession } from "../../call/callSession.js";
import { invalidParams, toWireError } from "../../call/wireError.js";
import { McpTaskBoard, attachBoard } from "./mcpTaskBoard.js";
import type { ResolvedMcpTasksOptions } from "./mcpTaskOptions.js";
import { questionText, resultOf, taskOf } from "./mcpTaskView.js";

/** The reason a task stopped with `tasks/cancel` carries. */
export const CANCELLED_BY_CLIENT = "Cancelled by the client (tasks/cancel)";

/**
 * Serves MCP tasks (spec 2025-11-25) on one session: `tasks/get`, `tasks/result`,
 * `tasks/list` and `tasks/cancel`, answering only about the tasks the session's
 * owner owns (the session, or its authenticated principal), whichever rung
 * started them: one record, seen through `mcpc/tasks/*` and `tasks/*` alike.
 * The session must declare the `tasks` capability (the SDK checks it).
 */
export function registerMcpTaskMethods(session: CallSession, options: ResolvedMcpTasksOptions): void {
  const { server, runtime } = session;
  const { registry } = runtime;
  const board = new McpTaskBoard(options, registry.ttlMs);
  attachBoard(session, board);
  const owner = session.owner;

  server.setRequestHandler(GetTaskRequestSchema, async (request) => {
    const task = taskOf(await toWireError(registry.get(owner, request.params.taskId)), board.view);
    // A question asked without an elicitation (`task.ask`) is what the user reads while it waits.
    const question = task.status === "input_required" ? runtime.inboxes?.get(owner, task.taskId)?.question : undefined;
    if (question) task.statusMessage = questionText(question.question, runtime.jobHandles?.names.send);
    return task;
  });

  server.setRequestHandler(GetTaskPayloadRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { taskId } = request.params;
    await toWireError(registry.get(owner, taskId));
    // While this request is open, the task's questions to the client travel on its stream.
    const close = board.openStream(taskId, extra.requestId);
    try {
      await registry.whenEnded(owner, taskId, extra.signal);
    } finally {
      close();
    }
    return resultOf(await toWireError(registry.get(owner, taskId)));
  });

  server.setRequestHandler(ListTasksRequestSchema, async (request) => {
    const cursor = request.params?.cursor;
    const page = await toWireError(registry.listPage(owner, { ...(cursor !== undefined && { cursor }), limit: options.listPageSize }));
    return { tasks: page.tasks.map((task) => taskOf(task, board.view)), ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
  });

  server.setRequestHandler(CancelTaskRequestSchema, async (request) => {
    const { taskId } = request.params;
    // Answered once the tool has ended (its finally blocks ran) or its grace period is over.
    const outcome = await toWireError(registry.stop(owner, taskId, CANCELLED_BY_CLIENT));
    if (!outcome.stopped) {
      throw invalidParams(`Task "${taskId}" has already ended (${outcome.task.status}); only a task that has not ended can be cancelled.`);
    }
    return taskOf(outcome.task, board.view);
  });
}
