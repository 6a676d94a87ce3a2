import { McpcError } from "../../errors.js";

/**
 * How the server serves MCP tasks (spec 2025-11-25, `params.task` on `tools/call`)
 * for its background tools. Every field has the default of docs/limits.md.
 */
export interface McpTasksOptions {
  /**
   * The longest `ttl` granted (ms, counted from the task's creation); a client that
   * asks for more, or for none, gets this. The record stays at least a minute after
   * the task ends whatever the ttl, so a poller can read its result. Default 1 h.
   */
  maxTtlMs?: number;
  /** The `pollInterval` suggested to clients (ms). Default 1,000. */
  pollIntervalMs?: number;
  /** Tasks in one page of `tasks/list`. Default 100. */
  listPageSize?: number;
}

/** The options with every default applied. */
export type ResolvedMcpTasksOptions = Required<McpTasksOptions>;

const DEFAULTS: ResolvedMcpTasksOptions = { maxTtlMs: 60 * 60 * 1_000, pollIntervalMs: 1_000, listPageSize: 100 };

/** Applies the defaults. @throws McpcError `INVALID_ARGUMENT` naming the field, for a value that is not a positive integer. */
export function resolveMcpTasksOptions(options: McpTasksOptions = {}): ResolvedMcpTasksOptions {
  const resolved = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof McpTasksOptions)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new McpcError("INVALID_ARGUMENT", `mcpTasks.${key} must be a positive whole number; got ${String(value)}. Leave it out for the default (${DEFAULTS[key]}).`);
    }
    resolved[key] = value;
  }
  return resolved;
}

/** The ttl granted for a requested one: clamped to the maximum; none requested gets the maximum. */
export function grantTtl(requested: unknown, maxTtlMs: number): number {
  if (typeof requested !== "number" || !Number.isFinite(requested) || requested <= 0) return maxTtlMs;
  return Math.min(Math.floor(requested), maxTtlMs);
}
