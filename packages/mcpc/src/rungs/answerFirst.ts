import { ErrorCode, type RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { TaskSnapshot } from "../protocol/message.js";
import type { TaskStartSpec } from "../tasks/taskSpec.js";
import { signalStopSource, type StopListener } from "../tasks/taskControl.js";
import type { CallSession } from "../call/callSession.js";
import { WireError, toWireError } from "../call/wireError.js";
import type { CallExtra } from "./rung.js";

/** The reason a task stopped by a cancel that came before its call's answer carries. */
export const CANCELLED_BEFORE_ANSWER = "Cancelled by the client before it was answered";

/**
 * Starts a task for a call that a rung answers with the task itself (native and
 * legacy `created`, MCP's `CreateTaskResult`): the gate every such rung shares.
 *
 * - A cancel that came in the same read as the call aborted it before its
 *   handler ran: the SDK sends no answer, so no task is started.
 * - From here the call's task events wait until its answer went out (the SDK
 *   writes it a few turns after the handler returns, and a fast tool would
 *   overtake it); a failed start lets them go.
 * - A cancel after the start but before the answer went out means that answer
 *   never will (the SDK drops it): the client never learns of the task, so it is
 *   stopped. After the answer a cancel changes nothing: stopping a task is the
 *   rung's own request (`mcpc/tasks/stop`, `tasks/cancel`).
 *
 * `listener` hears that cancel; by default one is made here. A rung whose spec
 * object is already a listener (it calls {@link stopIfUnanswered}) passes it,
 * and no object more per task is held.
 */
export async function startAnswerFirst(
  session: CallSession,
  extra: CallExtra,
  spec: TaskStartSpec & { readonly taskId: string },
  listener?: StopListener,
): Promise<TaskSnapshot> {
  const { signal, requestId } = extra;
  if (signal.aborted) throw new WireError(ErrorCode.ConnectionClosed, "The call was cancelled before it started.");
  const { transport } = session;
  transport.hold(requestId);
  let started: TaskSnapshot;
  try {
    started = await toWireError(session.runtime.registry.start(spec));
  } catch (error) {
    transport.release(requestId);
    throw error;
  }
  // Listened to only now that the task exists.
  signalStopSource(signal).onStop(listener ?? { handleEvent: () => stopIfUnanswered(session, requestId, spec.owner, spec.taskId) });
  return started;
}

/** The call was cancelled: if its answer had not gone out yet, its task is stopped and its held events let go. */
export function stopIfUnanswered(session: CallSession, requestId: RequestId, owner: string, taskId: string): void {
  if (!session.transport.release(requestId)) return;
  session.runtime.registry.stop(owner, taskId, CANCELLED_BEFORE_ANSWER).catch(() => undefined);
}
