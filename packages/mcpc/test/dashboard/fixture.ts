/** A server for the dashboard tests: a background counter whose `finally` is observable, and a tool that emits a server event. */
import { z } from "zod";
import { McpcServer, Tool, type McpcServerOptions, type TaskContext } from "../../src/index.js";

/** Task ids whose `finally` block ran, per server. */
export const finallyRan = new Set<string>();

export class Jobs extends McpcServer {
  constructor(options: Partial<McpcServerOptions> = {}) {
    super({ name: "jobs", version: "1.0.0", ...options });
  }

  @Tool({ description: "Counts to `to` (default: for ever), one step every `every` ms", input: z.object({ every: z.number(), to: z.number().optional() }), background: true })
  async *count({ every, to }: { every: number; to?: number }, task: TaskContext) {
    try {
      for (let step = 1; to === undefined || step <= to; step++) {
        await task.sleep(every);
        yield { progress: step, total: to ?? 1_000_000, message: `step ${step}` };
      }
      return { counted: to };
    } finally {
      finallyRan.add(task.taskId);
    }
  }

  @Tool({ description: "Sends a server event to every session", input: z.object({ text: z.string() }) })
  announce({ text }: { text: string }) {
    return this.emit("announcement", { text });
  }
}
