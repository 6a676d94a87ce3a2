/** The mcpc tools of the benchmark, served over stdio by mcpc.ts and over HTTP by mcpcHttp.ts. */
import { McpcServer, Tool, type McpcServerOptions, type TaskContext } from "mcpc";
import { z } from "zod";
import { ECHO_DESCRIPTION, STREAM_DESCRIPTION, now, waitBefore } from "./common.js";

/** `stream` as a background generator tool, `echo` as an ordinary tool. */
export class BenchTools extends McpcServer {
  @Tool({ description: STREAM_DESCRIPTION, input: z.object({ n: z.number().int().min(0), intervalMs: z.number().min(0) }), background: true })
  async *stream({ n, intervalMs }: { n: number; intervalMs: number }, task: TaskContext) {
    const start = performance.now();
    for (let i = 1; i <= n; i++) {
      const wait = waitBefore(start, i, intervalMs);
      if (wait > 0) await task.sleep(wait);
      yield { progress: i, total: n, message: String(now()) };
    }
    return `streamed ${n}`;
  }

  @Tool({ description: ECHO_DESCRIPTION, input: z.object({ text: z.string() }) })
  echo({ text }: { text: string }) {
    return text;
  }
}

/** The options both bench servers share. */
export const BENCH_OPTIONS: McpcServerOptions = {
  name: "bench-mcpc",
  version: "0.0.0",
  // The scale figure runs up to 10,000 tasks in one session.
  tasks: { maxRunningPerSession: 100_000, maxQueuedPerSession: 100_000 },
};
