import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { z } from "zod";
import { MCPC_METHODS } from "../protocol/message.js";
import type { TaskRegistry } from "../tasks/taskRegistry.js";
import { invalidParams, toWireError } from "../call/wireError.js";
import { describeValue } from "../util/describe.js";
import { TASK_PAGE } from "../tasks/taskPage.js";

// Params are checked by hand (readTaskId) so a bad one gets a -32602 that names the field, not a schema dump.
const GetTaskRequest = z.object({ method: z.literal(MCPC_METHODS.get), params: z.optional(z.looseObject({})) });
const StopTaskRequest = z.object({ method: z.literal(MCPC_METHODS.stop), params: z.optional(z.looseObject({})) });
const ListTasksRequest = z.object({ method: z.literal(MCPC_METHODS.list), params: z.optional(z.looseObject({})) });
const SendTaskRequest = z.object({ method: z.literal(MCPC_METHODS.send), params: z.optional(z.looseObject({})) });
const TaskEventsRequest = z.object({ method: z.literal(MCPC_METHODS.events), params: z.optional(z.looseObject({})) });

function readTaskId(method: string, params: Record<string, unknown> | undefined): string {
  const taskId = params?.task_id;
  if (typeof taskId !== "string" || taskId.length === 0) {
    throw invalidParams(`${method} needs params { "task_id": "<id>" } with a non-empty string; got ${describeValue(taskId)}.`);
  }
  return taskId;
}

/** Sends a message to a running task of `owner` (see `Inboxes.send`). */
export interface TaskSender {
  send(owner: string, taskId: string, message: unknown): Promise<{ answered: boolean; queued: number }>;
}

/**
 * Registers `mcpc/tasks/get`, `stop`, `list`, `events` and (with `inbox`) `send` on an SDK server, answering only
 * about the tasks `owner()` owns (the connection's session). `list` answers one
 * page (`params.cursor`, `params.limit`: 100 by default, at most 1,000) with a
 * `nextCursor` when more follow.
 */
export function registerTaskRequests(server: Server, registry: TaskRegistry, owner: () => string, inbox?: TaskSender): void {
  server.setRequestHandler(GetTaskRequest, async (request) => ({
    task: await toWireError(() => registry.get(owner(), readTaskId(MCPC_METHODS.get, request.params))),
  }));
  server.setRequestHandler(StopTaskRequest, async (request) => {
    const taskId = readTaskId(MCPC_METHODS.stop, request.params);
    const outcome = await toWireError(() => registry.stop(owner(), taskId, "Task stopped by the client"));
    return { task: outcome.task, stopped: outcome.stopped };
  });
  if (inbox) {
    server.setRequestHandler(SendTaskRequest, async (request) => {
      const taskId = readTaskId(MCPC_METHODS.send, request.params);
      if (!request.params || !Object.hasOwn(request.params, "message")) {
        throw invalidParams(`${MCPC_METHODS.send} needs params { "task_id": "<id>", "message": <what the tool accepts> }; got no "message".`);
      }
      const outcome = await toWireError(() => inbox.send(owner(), taskId, request.params?.message));
      return { answered: outcome.answered, queued: outcome.queued };
    });
  }
  // A task's logged events after a sequence number, from the store's log (a store shared by replicas keeps one):
  // how a client that moved to another replica, or missed events, catches up.
  server.setRequestHandler(TaskEventsRequest, async (request) => {
    const taskId = readTaskId(MCPC_METHODS.events, request.params);
    const { after_seq: afterSeq = 0, limit } = request.params ?? {};
    if (typeof afterSeq !== "number" || (limit !== undefined && typeof limit !== "number")) {
      throw invalidParams(`${MCPC_METHODS.events} takes { "task_id", "after_seq": <integer ≥ 0>, "limit"?: <integer> }; got ${describeValue(request.params)}.`);
    }
    return { events: await toWireError(() => registry.events(owner(), taskId, afterSeq, limit)) };
  });
  server.setRequestHandler(ListTasksRequest, async (request) => {
    const { cursor, limit } = request.params ?? {};
    if (cursor !== undefined && typeof cursor !== "string") {
      throw invalidParams(`${MCPC_METHODS.list}: "cursor" must be the nextCursor string of the previous page; got ${describeValue(cursor)}.`);
    }
    if (limit !== undefined && typeof limit !== "number") {
      throw invalidParams(`${MCPC_METHODS.list}: "limit" must be a number of tasks from 1 to ${TASK_PAGE.maxLimit}; got ${describeValue(limit)}.`);
    }
    const page = await toWireError(() => registry.listPage(owner(), { ...(cursor !== undefined && { cursor }), ...(limit !== undefined && { limit }) }));
    return { tasks: page.tasks, ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) };
  });
}
