import type { ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { TaskCallContext } from "../../call/callContext.js";
import type { SendClientRequest } from "../../call/clientRequests.js";
import type { TaskRunControls } from "../../tasks/taskSpec.js";
import type { CallExtra } from "../rung.js";
import type { CallSession } from "../../call/callSession.js";
import type { McpTaskBoard } from "./mcpTaskBoard.js";
import { RELATED_TASK_META_KEY } from "@modelcontextprotocol/sdk/types.js";

/** How many poll intervals a task's question waits for a `tasks/result` stream before it takes the session's own. */
const POLLS_BEFORE_OWN_STREAM = 5;

/**
 * The `task` of an MCP task: its requests to the client (`elicit`, `sample`)
 * carry the related-task `_meta`, and travel on the stream of an open
 * `tasks/result` for the task (see `McpTaskBoard`). The status is
 * `input_required` meanwhile, as for every task.
 */
export class McpTaskContext extends TaskCallContext {
  readonly #board: McpTaskBoard;

  constructor(session: CallSession, toolName: string, extra: CallExtra, controls: TaskRunControls, board: McpTaskBoard) {
    super(session, toolName, extra, controls, true);
    this.#board = board;
  }

  protected override get sendRequest(): SendClientRequest {
    const { server, pingBarrier } = this.session;
    const board = this.#board;
    const { taskId } = this;
    const send = async (request: ServerRequest, resultSchema: unknown, options?: { signal?: AbortSignal; timeout?: number }) => {
      const signal = options?.signal ?? this.signal;
      const waitMs = board.options.pollIntervalMs * POLLS_BEFORE_OWN_STREAM;
      // No ping barrier of its own means a session with one stream per request (Streamable HTTP).
      const oneStream = pingBarrier?.oneStream ?? false;
      const relatedRequestId = await board.streamFor(taskId, oneStream, waitMs, signal);
      const params = { ...request.params, _meta: { ...request.params?._meta, [RELATED_TASK_META_KEY]: { taskId } } };
      return server.request({ ...request, params } as ServerRequest, resultSchema as never, {
        ...options,
        ...(relatedRequestId !== undefined && { relatedRequestId }),
      });
    };
    return send as unknown as SendClientRequest;
  }
}
