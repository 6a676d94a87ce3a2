import type { Writable } from "node:stream";

/**
 * Keeps this process's stdout for the protocol, for a runner that serves stdio
 * while loading code it does not control. Returns a writer on the real stdout for
 * the runner's own transport; from then on everything else written to
 * `process.stdout` (`console.log` in a tool, a server file printing as it loads)
 * goes to stderr. A failed write to stdout (`EPIPE`: the host went away) calls
 * `onBroken` instead of crashing the process.
 *
 * Why a writer of our own and not a patch in front of the transport: the SDK's
 * stdio transport writes through whatever `write` the stream has when it
 * writes, so patching `process.stdout.write` would divert the protocol too.
 */
export function guardStdout(onBroken: (error: Error) => void): Writable {
  const stdout = process.stdout;
  const realWrite = stdout.write.bind(stdout) as (chunk: string | Uint8Array) => boolean;
  stdout.on("error", onBroken);
  // A host that left usually took stderr's reader with it: log lines then go nowhere, and must not crash the runner.
  process.stderr.on("error", () => undefined);
  stdout.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, encoding, callback)) as typeof stdout.write;
  // Only what StdioServerTransport uses: write, and once("drain").
  const protocol = {
    write: (chunk: string | Uint8Array) => realWrite(chunk),
    once: (event: string, listener: () => void) => {
      stdout.once(event, listener);
      return protocol;
    },
  };
  return protocol as unknown as Writable;
}
