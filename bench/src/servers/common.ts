/** Shared by the benchmark servers: the same clock and the same pacing everywhere. */

/**
 * Milliseconds on the system's monotonic clock (CLOCK_MONOTONIC, what `process.hrtime` reads):
 * one clock for every process on the machine. `performance.timeOrigin + performance.now()`
 * is not: each process fixes its time origin at start-up with an error of up to a few
 * milliseconds, twenty times the lag being measured.
 */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * How long to wait before update `i` (1-based) of a stream paced at `intervalMs` that began at
 * `start` (a `performance.now()` reading): drift-corrected, so a late timer is caught up.
 */
export function waitBefore(start: number, i: number, intervalMs: number): number {
  if (intervalMs <= 0) return 0;
  return start + i * intervalMs - performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const STREAM_DESCRIPTION = "Emits n updates, one every intervalMs milliseconds (0: as fast as possible), then returns.";
export const ECHO_DESCRIPTION = "Returns its text at once.";

/** The port an HTTP bench server is told to listen on: `node server.js <port>` (the harness picks a free one). */
export function portArg(): number {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`usage: node ${process.argv[1] ?? "server.js"} <port>`);
  return port;
}

/** Tells the harness the server is listening: the line it waits for (cold start to listening). */
export function announceListening(port: number): void {
  process.stdout.write(`listening ${port}\n`);
}

/** Where the HTTP bench servers serve Streamable HTTP (fastmcp's default endpoint, and mcpc's). */
export const MCP_PATH = "/mcp";
