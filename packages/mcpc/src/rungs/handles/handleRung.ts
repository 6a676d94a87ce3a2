import type { CallSession, ResolvedJobHandles } from "../../call/callSession.js";
import type { ToolDefinition } from "../../definitions/toolDefinitions.js";
import { FallbackCall, requiredTaskRefusal, type Handoff } from "../fallbackCall.js";
import { plainResultOf } from "../mcpTasks/mcpTaskView.js";
import type { Rung } from "../rung.js";
import { handoffResult } from "./handleView.js";

/**
 * The job-handle rung: a plain client's call of a background tool, answered
 * like the synchronous fallback when the task ends in time, and with a handle
 * (the task id, its latest update, how to follow it) when it is still running
 * after the threshold. The task runs on, reachable through the handle tools
 * until its TTL: a host that cuts long calls loses nothing.
 */
export const handleRung: Rung = {
  name: "handle",
  accepts: ({ session, tool }) => handleAfterMs(session, tool) !== undefined,
  serve: ({ session, tool, args, extra }) => {
    const refused = requiredTaskRefusal(tool);
    if (refused) return Promise.reject(refused);
    const handles = session.runtime.jobHandles;
    const afterMs = handleAfterMs(session, tool);
    if (!handles || afterMs === undefined) return new FallbackCall(session, tool, args, extra).answer();
    return new FallbackCall(session, tool, args, extra, handoffAfter(afterMs, handles)).answer();
  },
};

/**
 * The tool's handle threshold in this session, or undefined when its calls wait
 * for the end: handles off for the server or the tool, or a tool with an output
 * schema (a handle is not the structured result its schema promises, and the SDK
 * client refuses a result without it).
 */
function handleAfterMs(session: CallSession, tool: ToolDefinition): number | undefined {
  const handles = handlesFor(session);
  if (!handles || tool.output || tool.handleAfterMs === false) return undefined;
  return tool.handleAfterMs ?? handles.afterMs;
}

/**
 * The job handles a session may get: only a client that negotiated neither
 * MCPC (native or legacy) nor MCP tasks. Such a client gets its long tasks as
 * tasks when it asks; an untagged call of its waits for the end. The same rule
 * decides who is shown the handle tools (`Session`'s `tools/list`).
 */
export function handlesFor(session: CallSession): ResolvedJobHandles | undefined {
  const handles = session.runtime.jobHandles;
  if (!handles || session.native || session.legacy) return undefined;
  return session.server.getClientCapabilities()?.tasks ? undefined : handles;
}

/** The handoffs made so far, per server's handle options and threshold: one object for all the calls that share them. */
const handoffs = new WeakMap<ResolvedJobHandles, Map<number, Handoff>>();

function handoffAfter(afterMs: number, handles: ResolvedJobHandles): Handoff {
  let byThreshold = handoffs.get(handles);
  if (!byThreshold) handoffs.set(handles, (byThreshold = new Map()));
  let handoff = byThreshold.get(afterMs);
  if (!handoff) byThreshold.set(afterMs, (handoff = makeHandoff(afterMs, handles)));
  return handoff;
}

function makeHandoff(afterMs: number, handles: ResolvedJobHandles): Handoff {
  return {
    afterMs,
    answer: async (session, owner, taskId) => {
      const task = await session.runtime.registry.get(owner, taskId);
      // Ended between the deadline and this read: the answer is its result after all.
      if (task.status !== "working" && task.status !== "input_required") return plainResultOf(task);
      return handoffResult(task, handles, session.runtime.inboxes?.get(owner, taskId)?.question);
    },
  };
}
