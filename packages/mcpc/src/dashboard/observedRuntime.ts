import { McpcError } from "../errors.js";
import type { McpcRuntime } from "../server/runtime.js";
import type { ServerRuntime } from "../server/serverRuntime.js";

/**
 * What the dashboard reads of a server's runtime: its open sessions, its task
 * engine (only through `list`, `events` and `stop`, so a Redis store is read the
 * same way) and its observer hook. Nothing else, and it writes nothing but a stop.
 */
export type ObservedRuntime = Pick<McpcRuntime, "sessions" | "registry" | "observe" | "options" | "mcpTasks" | "jobHandles">;

/**
 * `server.runtime` as the dashboard reads it. Checked by shape, not by class:
 * under `mcpc serve` the server file may load its own copy of `mcpc`.
 * @throws McpcError `INVALID_ARGUMENT` for anything but a server's runtime
 */
export function asObserved(runtime: ServerRuntime): ObservedRuntime {
  const candidate = runtime as Partial<Record<keyof ObservedRuntime, unknown>> | undefined;
  const registry = candidate?.registry as Partial<Record<"list" | "stop" | "events", unknown>> | undefined;
  if (
    !(candidate?.sessions instanceof Map) ||
    typeof candidate.observe !== "function" ||
    typeof registry?.list !== "function" ||
    typeof registry.stop !== "function" ||
    typeof candidate.options !== "object"
  ) {
    throw new McpcError("INVALID_ARGUMENT", "The dashboard observes a server's runtime: pass server.runtime (of an McpcServer, mcpc 0.1 or later).");
  }
  return runtime as unknown as ObservedRuntime;
}
