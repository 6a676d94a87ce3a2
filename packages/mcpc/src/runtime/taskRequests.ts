import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { z } from "zod";
import { MCPC_METHODS } from "../protocol/message.js";
import type { TaskRegistry } from "../tasks/taskRegistry.js";
import { invalidParams, toWireError } from "./wireError.js";

// Params are checked by hand (readTaskId) so a bad one gets a -32602 that names the field, not a schema dump.
const GetTaskRequest = z.object({ method: z.literal(MCPC_METHODS.get), params: z.optional(z.looseObject({})) });
const StopTaskRequest = z.object({ method: z.literal(MCPC_METHODS.stop), params: z.optional(z.looseObject({})) });
const ListTasksRequest = z.object({ method: z.literal(MCPC_METHODS.list), params: z.optional(z.looseObject({})) });

function readTaskId(method: string, params: Record<string, unknown> | undefined): string {
  const taskId = params?.task_id;
  if (typeof taskId !== "string" || taskId.length === 0) {
    throw invalidParams(`${method} needs params { "task_id": "<id>" } with a non-empty string; got ${JSON.stringify(taskId) ?? "nothing"}.`);
  }
  return taskId;
}

/**
 * Registers `mcpc/tasks/get`, `stop` and `list` on an SDK server, answering only
 * about the tasks `owner()` owns (the connection's session).
 */
export function registerTaskRequests(server: Server, registry: TaskRegistry, owner: () => string): void {
  server.setRequestHandler(GetTaskRequest, async (request) => ({
    task: await toWireError(() => registry.get(owner(), readTaskId(MCPC_METHODS.get, request.params))),
  }));
  server.setRequestHandler(StopTaskRequest, async (request) => {
    const taskId = readTaskId(MCPC_METHODS.stop, request.params);
    const outcome = await toWireError(() => registry.stop(owner(), taskId, "Task stopped by the client"));
    return { task: outcome.task, stopped: outcome.stopped };
  });
  server.setRequestHandler(ListTasksRequest, async () => ({ tasks: await registry.list(owner()) }));
}
