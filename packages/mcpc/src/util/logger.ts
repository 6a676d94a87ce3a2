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

/** Bytes waiting for stderr's reader beyond which {@link stderrLogger} drops lines. */
export const STDERR_BACKLOG_BYTES = 1024 * 1024;

let droppedLines = 0;

/**
 * The default {@link Logger}: one line on stderr. When stderr is a pipe nobody
 * reads, lines would pile up in this process without bound (a tool logging in a
 * loop): past {@link STDERR_BACKLOG_BYTES} waiting, lines are dropped and counted,
 * and the count is written once stderr drains.
 */
export const stderrLogger: Logger = (level, message) => {
  const stderr = process.stderr;
  if (stderr.writableLength > STDERR_BACKLOG_BYTES) {
    if (droppedLines++ === 0) stderr.once("drain", reportDropped);
    return;
  }
  stderr.write(`[mcpc] ${level}: ${message}\n`);
};

function reportDropped(): void {
  const count = droppedLines;
  droppedLines = 0;
  process.stderr.write(`[mcpc] warning: ${count} log line(s) dropped: nobody was reading stderr\n`);
}

/** True when `level` is at least `threshold`. */
export function atLeast(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}
