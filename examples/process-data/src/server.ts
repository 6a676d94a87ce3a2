/**
 * The seed's example, in mcpc: `process_data(url)` runs in the background with
 * five progress steps and tells the session when the data is ready; `add` is an
 * ordinary tool. Served on stdio, or over HTTP with --http.
 *
 *   node dist/server.js                    stdio (step length: PROCESS_DATA_STEP_MS, default 1000)
 *   node dist/server.js --http --port N    Streamable HTTP at /mcp and legacy SSE at /sse on 127.0.0.1:N;
 *                                          prints its URL to stderr (--port 0 picks a free port)
 *   --handle-after <ms|off>                a plain client's process_data call still running after this
 *                                          is answered with a job handle (default 45000; off: it waits)
 *   --redis <url> [--token <secret>]       several replicas on one Redis (see src/replicas.ts)
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { McpcServer, Tool, type TaskContext } from "mcpc";
import { z } from "zod";
import { REPLICA_FLAGS, replicaTasks, tokenOptions } from "./replicas.js";

const stepMs = Number(process.env.PROCESS_DATA_STEP_MS ?? 1000);

export class DataTools extends McpcServer {
  @Tool({
    description: "Process the data behind a URL (takes a while; reports progress)",
    input: z.object({ url: z.string().url() }),
    background: true,
  })
  async *processData({ url }: { url: string }, task: TaskContext) {
    try {
      yield `Processing ${url}...`;
      for (let step = 1; step <= 5; step++) {
        await task.sleep(stepMs);
        yield { progress: step, total: 5, message: `step ${step}/5` };
      }
      const dataId = randomUUID();
      task.emit("notification", { message: `Data from ${url} is ready`, dataId });
      return { dataId, summary: "Processed data. No issues." };
    } finally {
      // Runs however the task ends; when it was stopped, this is where a real tool releases what it holds.
      if (task.signal.aborted) console.error(`process-data: task ${task.taskId} stopped; cleaned up after ${url}`);
    }
  }

  @Tool({ description: "Add two numbers", input: z.object({ a: z.number(), b: z.number() }) })
  add({ a, b }: { a: number; b: number }) {
    return a + b;
  }
}

const { values: flags } = parseArgs({
  options: { http: { type: "boolean", default: false }, port: { type: "string", default: "3000" }, "handle-after": { type: "string" }, ...REPLICA_FLAGS },
});
if (flags.token !== undefined && !flags.http) {
  console.error("--token goes with --http: it authenticates HTTP requests.");
  process.exit(2);
}
const tasks = await replicaTasks(flags);
const server = new DataTools({ name: "process-data", version: "1.0.0", jobHandles: handleOption(flags["handle-after"]), ...(tasks && { tasks }) });
if (flags.http) {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--port needs a port number (0 picks a free one); got "${flags.port}".`);
    process.exit(2);
  }
  const { url, sseUrl } = await server.serve({ transport: "http", port, ...tokenOptions(flags.token) });
  // stdout stays quiet; the URL goes to stderr, where a launcher reads it.
  console.error(`process-data serving Streamable HTTP on ${url} (legacy SSE on ${sseUrl ?? "-"})`);
} else {
  await server.serve();
}

/** `--handle-after`: a number of ms, `off`, or absent (the server's default). */
function handleOption(value: string | undefined): { afterMs: number } | false | undefined {
  if (value === undefined) return undefined;
  if (value === "off") return false;
  const afterMs = Number(value);
  if (!Number.isSafeInteger(afterMs) || afterMs <= 0) {
    console.error(`--handle-after needs a number of milliseconds or "off"; got "${value}".`);
    process.exit(2);
  }
  return { afterMs };
}
