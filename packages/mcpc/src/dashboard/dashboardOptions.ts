import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { McpcError } from "../errors.js";
import { stderrLogger, type Logger } from "../util/logger.js";

/**
 * How a {@link Dashboard} serves. Every field has a default; the token is the
 * one to think about: whoever has it sees every session's tasks and can stop them.
 */
export interface DashboardOptions {
  /**
   * Where it is mounted on an HTTP server (`routes`): `"/dashboard"` (default)
   * serves the page at `/dashboard/?token=…`. `"/"` only on a server of its own
   * ({@link serveDashboard}).
   */
  path?: string;
  /**
   * The secret every request must carry (`?token=` in the page's URL; the page
   * sends it on). Default: 32 random bytes, base64url, new at each start. At least 16 characters.
   */
  token?: string;
  /** The page's title. Default `"mcpc tasks"`. */
  title?: string;
  /** How often the update stream carries what changed, in ms: updates in between are coalesced. Default 250. */
  intervalMs?: number;
  /** How long a task whose session closed, or whose record left the store, stays on the page (ms). Default 60 s. */
  lingerMs?: number;
  /** Tasks shown that way at most; the oldest leave first. Default 1,000. */
  maxGoneRows?: number;
  /** Changes kept per task for its log when the task store keeps no event log. Default 100. */
  historyPerTask?: number;
  /** Pages open at once; one more gets `503`. Default 16. */
  maxViewers?: number;
  /** Where it reports its own failures. Default: stderr. */
  logger?: Logger;
}

/** The options with every default applied. */
export interface ResolvedDashboardOptions {
  path: string;
  token: string;
  title: string;
  intervalMs: number;
  lingerMs: number;
  maxGoneRows: number;
  historyPerTask: number;
  maxViewers: number;
  logger: Logger;
  /** Server events and session changes kept for a page that opens later. */
  feedSize: number;
  /** Feed lines one message carries at most. */
  feedPerMessage: number;
  /** Events one log answer carries at most. */
  logEntries: number;
  /** Rows a page may ask for at once. */
  maxPageSize: number;
  /** Sessions one message lists at most (the newest). */
  maxSessionRows: number;
  /** Bytes a page's stream may have waiting in the socket before its updates are held back (they coalesce meanwhile). */
  maxBufferedBytes: number;
}

/** Applies the defaults. @throws McpcError `INVALID_ARGUMENT` */
export function resolveDashboardOptions(options: DashboardOptions = {}): ResolvedDashboardOptions {
  const path = options.path ?? "/dashboard";
  if (typeof path !== "string" || !(path === "/" || /^\/[^?#]*[^/?#]$/.test(path))) {
    throw new McpcError("INVALID_ARGUMENT", `A dashboard path is "/" or like "/dashboard" (a leading slash, no trailing one); got ${JSON.stringify(path)}.`);
  }
  const token = options.token ?? randomBytes(32).toString("base64url");
  if (typeof token !== "string" || token.length < 16 || !/^[\w.~-]+$/.test(token)) {
    throw new McpcError("INVALID_ARGUMENT", "A dashboard token needs at least 16 URL-safe characters (letters, digits, - _ . ~); leave it out to get a random one.");
  }
  for (const name of ["intervalMs", "lingerMs", "maxGoneRows", "historyPerTask", "maxViewers"] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value) || value <= 0)) {
      throw new McpcError("INVALID_ARGUMENT", `Dashboard option "${name}" must be a positive number; got ${String(value)}.`);
    }
  }
  return {
    path,
    token,
    title: options.title ?? "mcpc tasks",
    intervalMs: options.intervalMs ?? 250,
    lingerMs: options.lingerMs ?? 60_000,
    maxGoneRows: options.maxGoneRows ?? 1_000,
    historyPerTask: options.historyPerTask ?? 100,
    maxViewers: options.maxViewers ?? 16,
    logger: options.logger ?? stderrLogger,
    feedSize: 200,
    feedPerMessage: 50,
    logEntries: 500,
    maxPageSize: 200,
    maxSessionRows: 200,
    maxBufferedBytes: 1024 * 1024,
  };
}

/** Compares a presented token with the real one in constant time (hashes first, so lengths do not leak either). */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const digest = (value: string): Buffer => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
