/**
 * The seed's example, in mcpc: `process_data(url)` runs in the background with
 * five progress steps and tells the session when the data is ready; `add` is an
 * ordinary tool. Served on stdio.
 *
 *   node dist/server.js            (step length: PROCESS_DATA_STEP_MS, default 1000)
 */
import { randomUUID } from "node:crypto";
import { McpcServer, Tool, type TaskContext } from "mcpc";
import { z } from "zod";

const stepMs = Number(process.env.PROCESS_DATA_STEP_MS ?? 1000);

export class DataTools extends McpcServer {
  @Tool({
    description: "Process the data behind a URL (takes a while; reports progress)",
    input: z.object({ url: z.string().url() }),
    background: true,
  })
  async *processData({ url }: { url: string }, task: TaskContext) {
    yield `Processing ${url}...`;
    for (let step = 1; step <= 5; step++) {
      await task.sleep(stepMs);
      yield { progress: step, total: 5, message: `step ${step}/5` };
    }
    const dataId = randomUUID();
    task.emit("notification", { message: `Data from ${url} is ready`, dataId });
    return { dataId, summary: "Processed data. No issues." };
  }

  @Tool({ description: "Add two numbers", input: z.object({ a: z.number(), b: z.number() }) })
  add({ a, b }: { a: number; b: number }) {
    return a + b;
  }
}

await new DataTools({ name: "process-data", version: "1.0.0" }).serve();
