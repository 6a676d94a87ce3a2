import { McpcError } from "../../errors.js";
import type { ResolvedJobHandles } from "../../call/callSession.js";

/**
 * Job handles (`McpcServerOptions.jobHandles`): a plain client's call of a
 * background tool that is still running after `afterMs` is answered with a
 * handle (the task id and how to follow it), and the task runs on, reachable
 * through the handle tools (`task_status`, `task_result`, `task_stop`, `task_send`).
 * Hosts cut long calls (Claude Desktop at about 60 s): the default answers before that.
 */
export interface JobHandleOptions {
  /** How long a plain call waits for its task before answering with a handle (ms). Default 45,000. */
  afterMs?: number;
  /** The handle tools' names start with this. Default `"task_"` (`task_status`, `task_result`, `task_stop`, `task_send`). */
  toolPrefix?: string;
}

export type { ResolvedJobHandles } from "../../call/callSession.js";

const DEFAULT_AFTER_MS = 45_000;
const PREFIX = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Applies the defaults; `false` turns handles off (undefined).
 * @throws McpcError `INVALID_ARGUMENT` naming the field and the fix
 */
export function resolveJobHandles(options: JobHandleOptions | false | undefined): ResolvedJobHandles | undefined {
  if (options === false) return undefined;
  const afterMs = options?.afterMs ?? DEFAULT_AFTER_MS;
  checkAfterMs(afterMs, "jobHandles.afterMs");
  const toolPrefix = options?.toolPrefix ?? "task_";
  if (typeof toolPrefix !== "string" || !PREFIX.test(toolPrefix)) {
    throw new McpcError("INVALID_ARGUMENT", `jobHandles.toolPrefix must be 1–100 characters of A–Z, a–z, 0–9, "_", "-", "."; got ${JSON.stringify(toolPrefix)}.`);
  }
  return { afterMs, toolPrefix, names: { status: `${toolPrefix}status`, result: `${toolPrefix}result`, stop: `${toolPrefix}stop`, send: `${toolPrefix}send` } };
}

/** A handle threshold is a positive whole number of milliseconds. */
export function checkAfterMs(value: unknown, field: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new McpcError("INVALID_ARGUMENT", `${field} must be a positive whole number of milliseconds, or false to turn job handles off; got ${String(value)}.`);
  }
}

/**
 * A user tool may not take a handle tool's name: the call would be ambiguous.
 * @throws McpcError `INVALID_TOOL_DEFINITION` naming the tool and both ways out
 */
export function checkHandleNames(handles: ResolvedJobHandles, tools: readonly { name: string; origin: string }[]): void {
  const taken = new Set(Object.values(handles.names));
  for (const tool of tools) {
    if (!taken.has(tool.name)) continue;
    throw new McpcError(
      "INVALID_TOOL_DEFINITION",
      `Tool "${tool.name}" (${tool.origin}) takes the name of a job-handle tool. Rename it, ` +
        `or give the handle tools another prefix (jobHandles: { toolPrefix: "job_" }), or turn job handles off (jobHandles: false).`,
    );
  }
}
