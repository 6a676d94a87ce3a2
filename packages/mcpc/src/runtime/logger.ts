/** Levels of MCP logging (RFC 5424 names), lowest first. */
export const LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"] as const;

/** One MCP log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * What `ctx.log` offers a tool. Lines go to stderr, and to the client as
 * `notifications/message` when it asked for logs at that level (`logging/setLevel`).
 */
export interface ToolLogger {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warning(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/** Where the library itself writes: stderr by default, never stdout. */
export interface Logger {
  (level: LogLevel, message: string): void;
}

/** The default {@link Logger}: one line on stderr. */
export const stderrLogger: Logger = (level, message) => {
  process.stderr.write(`[mcpc] ${level}: ${message}\n`);
};

/** True when `level` is at least `threshold`. */
export function atLeast(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}
