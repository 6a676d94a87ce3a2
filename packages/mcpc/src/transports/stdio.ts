import type { Writable } from "node:stream";
import { CoalescingWriter, DEFAULT_MAX_QUEUED_BYTES } from "./coalescingWriter.js";
import { DEFAULT_MAX_LINE_BYTES, LineInput } from "./lineInput.js";
import type { SessionHost } from "../session/sessionHost.js";
import { StdioInputTransport } from "./stdioTransport.js";
import { settledWithin } from "../util/deferred.js";

/** Options of a stdio server. */
export interface StdioOptions {
  /** Exit the process (code 0) once the server has shut down. Default true. */
  exitOnClose?: boolean;
  /** Shut down on SIGINT and SIGTERM. Default true. */
  handleSignals?: boolean;
  /**
   * The longest input line (one JSON-RPC message), bytes. Default 10 MiB. A longer
   * line is skipped and answered with `-32600` naming the limit (with its request
   * id when the line's start or end shows it); the session goes on serving.
   */
  maxLineBytes?: number;
  /**
   * How much output may wait for a client that does not read, bytes (near enough:
   * UTF-16 units of JSON). Default 8 MiB. Beyond it, server events, log
   * notifications and heartbeats are dropped and counted until the client has read
   * the backlog, then reported in one notice; task events and answers wait instead.
   */
  maxQueuedBytes?: number;
}

/**
 * Serves the runtime on this process's stdin/stdout as one session.
 *
 * stdout belongs to the protocol: the SDK transport gets its own handle on the
 * real `write` (through a {@link CoalescingWriter}: the first message of a turn
 * at once, the rest of the turn joined into one write), and everyone else's `process.stdout.write` (so `console.log`
 * in tool code too) is diverted to stderr. stdin is read through a
 * {@link LineInput} (the line limit; which line was unreadable).
 *
 * SIGINT, SIGTERM and the client leaving (stdin's end, or a failed write to
 * stdout: `EPIPE`) shut the server down gracefully: running tasks are stopped
 * within the deadline (their `finally` blocks run) and what can still be written
 * is written (waiting at most the shutdown deadline more for a client that does
 * not read) before the process exits 0.
 */
export async function serveStdio(runtime: SessionHost, options: StdioOptions = {}): Promise<{ closed: Promise<void> }> {
  const stdout = process.stdout;
  const realWrite = stdout.write.bind(stdout) as (chunk: string | Uint8Array, callback?: (error?: Error | null) => void) => boolean;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let stopping = false;
  const stop = (why: string, clientLeft: boolean) => {
    if (stopping) return;
    stopping = true;
    runtime.logger("info", `shutting down (${why})`);
    runtime
      .shutdown(clientLeft ? "Client disconnected" : "Server shutting down")
      .catch((error: unknown) => runtime.logger("error", `shutdown: ${String(error)}`))
      // Everything the runtime wrote (terminal events, answers) reaches the pipe before exit: at once if
      // it broke, and at most the shutdown deadline for a client that is alive but does not read.
      .then(() => settledWithin(writer.flush(), runtime.registry.shutdownDeadlineMs))
      .then(() => {
        resolveClosed();
        if (options.exitOnClose ?? true) process.exit(0);
      }, () => undefined);
  };

  // The SDK transport writes through a coalescing writer: few real writes per turn, same backpressure contract.
  const writer = new CoalescingWriter(
    {
      write: (chunk, callback) => realWrite(chunk, callback),
      once: (event, listener) => stdout.once(event, listener),
    },
    {
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      // A write that fails means the client closed its end: it left, as when stdin ends.
      onBroken: (error) => stop(`the client closed stdout: ${errorCode(error)}`, true),
    },
  );
  // The failed write reports it too; without a listener this event would crash the process.
  stdout.on("error", (error: Error) => writer.fail(error));
  // A client that left usually took stderr's reader with it: log lines then go nowhere, and must not crash the server.
  process.stderr.on("error", () => undefined);
  stdout.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, encoding, callback)) as typeof stdout.write;

  const input = new LineInput(process.stdin, { maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES });
  const transport = new StdioInputTransport(input, writer as unknown as Writable);
  if (options.handleSignals ?? true) {
    process.once("SIGINT", () => stop("SIGINT", false));
    process.once("SIGTERM", () => stop("SIGTERM", false));
  }
  // The SDK's stdio transport does not notice the client going away.
  process.stdin.once("end", () => stop("stdin closed", true));
  process.stdin.once("error", (error: Error) => stop(`stdin failed: ${errorCode(error)}`, true));
  await runtime.connect(transport, { transportKind: "stdio", outbound: writer });
  return { closed };
}

function errorCode(error: Error): string {
  return (error as Error & { code?: unknown }).code === undefined ? error.message : String((error as Error & { code?: unknown }).code);
}
