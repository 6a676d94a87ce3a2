import { stat } from "node:fs/promises";
import { McpcServer, Tool, type TaskContext } from "mcpc";
import { z } from "zod";

/** What `watch_file` last saw of the file: `null` while it does not exist. */
type Seen = { size: number; mtimeMs: number } | null;

async function look(path: string): Promise<Seen> {
  try {
    const info = await stat(path);
    return { size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return null;
  }
}

/**
 * The server's tools. Each `@Tool` method becomes an MCP tool named in snake_case.
 */
export class Tools extends McpcServer {
  /**
   * A watcher that runs until it is stopped: it checks a file every `intervalMs`,
   * yields a heartbeat update per check, and sends a `file_changed` server event to
   * the session whenever the file appears, changes or disappears. MCPC clients stop
   * it with `stop`; a plain MCP client stops it by cancelling its call.
   */
  @Tool({
    description: "Watch a file until stopped; sends a file_changed server event on every change",
    input: z.object({
      path: z.string().min(1).describe("The file to watch"),
      intervalMs: z.number().int().min(10).max(60_000).default(1000).describe("How often to look, in milliseconds"),
    }),
    background: true,
  })
  async *watchFile({ path, intervalMs }: { path: string; intervalMs: number }, task: TaskContext) {
    let seen = await look(path);
    let changes = 0;
    yield `Watching ${path} (${seen ? `${seen.size} bytes` : "missing"})`;
    try {
      for (let check = 1; ; check++) {
        await task.sleep(intervalMs); // rejects when the task is stopped: the loop ends there
        const now = await look(path);
        if (now?.size !== seen?.size || now?.mtimeMs !== seen?.mtimeMs) {
          changes++;
          task.emit("file_changed", { path, exists: now !== null, size: now?.size ?? null, change: changes });
        }
        seen = now;
        yield { progress: check, message: `check ${check}: ${changes} changes so far` };
      }
    } finally {
      console.error(`stopped watching ${path} after ${changes} changes`);
    }
  }

  /** An ordinary tool: its return value is the result. */
  @Tool({ description: "Tell whether a file exists and how big it is", input: z.object({ path: z.string().min(1) }) })
  async fileInfo({ path }: { path: string }) {
    const seen = await look(path);
    return { path, exists: seen !== null, size: seen?.size ?? null };
  }
}
