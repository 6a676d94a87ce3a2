import type { Writable } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CoalescingWriter } from "./coalescingWriter.js";
import type { McpcRuntime } from "./runtime.js";

/** Options of a stdio server. */
export interface StdioOptions {
  /** Exit the process (code 0) once the server has shut down. Default true. */
  exitOnClose?: boolean;
  /** Shut down on SIGINT and SIGTERM. Default true. */
  handleSignals?: boolean;
}

/**
 * Serves the runtime on this process's stdin/stdout as one session.
 *
 * stdout belongs to the protocol: the SDK transport gets its own handle on the
 * real `write` (through a {@link CoalescingWriter}: the first message of a turn
 * at once, the rest of the turn joined into one write), and everyone else's `process.stdout.write` (so `console.log`
 * in tool code too) is diverted to stderr. SIGINT, SIGTERM and stdin's end
 * shut the server down gracefully: running tasks are stopped within the
 * deadline and their terminal events written before the process exits.
 */
export async function serveStdio(runtime: McpcRuntime, options: StdioOptions = {}): Promise<{ closed: Promise<void> }> {
  const stdout = process.stdout;
  const realWrite = stdout.write.bind(stdout) as (chunk: string | Uint8Array, callback?: (error?: Error | null) => void) => boolean;
  // The SDK transport writes through a coalescing writer: few real writes per turn, same backpressure contract.
  const writer = new CoalescingWriter({
    write: (chunk, callback) => realWrite(chunk, callback),
    once: (event, listener) => stdout.once(event, listener),
  });
  const protocolOut = writer as unknown as Writable;
  stdout.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, encoding, callback)) as typeof stdout.write;

  const transport = new StdioServerTransport(process.stdin, protocolOut);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger("info", `shutting down (${why})`);
    runtime
      .shutdown(why === "stdin closed" ? "Client disconnected" : "Server shutting down")
      .catch((error: unknown) => runtime.logger("error", `shutdown: ${String(error)}`))
      // Everything the runtime wrote (terminal events, answers) reaches the pipe before exit.
      .then(() => writer.flush())
      .then(() => {
        resolveClosed();
        if (options.exitOnClose ?? true) process.exit(0);
      }, () => undefined);
  };
  if (options.handleSignals ?? true) {
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  }
  // The SDK's stdio transport does not notice the client going away.
  process.stdin.once("end", () => stop("stdin closed"));
  await runtime.connect(transport, { transportKind: "stdio" });
  return { closed };
}
