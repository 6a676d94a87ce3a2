import { McpcServer, Tool, type TaskContext } from "mcpc";
import { z } from "zod";

/** How long each step of `process_items` takes; the tests make it short. */
const stepMs = Number(process.env.STEP_MS ?? 500);

/**
 * The server's tools. Each `@Tool` method becomes an MCP tool named in snake_case.
 */
export class Tools extends McpcServer {
  /**
   * A background tool: an `async *` method. Every `yield` is a progress update,
   * `return` is the result. MCPC clients get it as a task they can check and stop;
   * every other MCP client gets an ordinary call that waits for the result.
   */
  @Tool({
    description: "Process a list of items, one step per item (takes a while; reports progress)",
    input: z.object({ items: z.array(z.string()).min(1).describe("The items to process") }),
    background: true,
  })
  async *processItems({ items }: { items: string[] }, task: TaskContext) {
    yield `Processing ${items.length} items...`;
    const processed: string[] = [];
    for (const [index, item] of items.entries()) {
      await task.sleep(stepMs); // rejects as soon as the task is stopped
      processed.push(item.toUpperCase());
      yield { progress: index + 1, total: items.length, message: `processed ${item}` };
    }
    return { processed, count: processed.length };
  }

  /** An ordinary tool: its return value is the result. */
  @Tool({ description: "Add two numbers", input: z.object({ a: z.number(), b: z.number() }) })
  add({ a, b }: { a: number; b: number }) {
    return a + b;
  }
}
