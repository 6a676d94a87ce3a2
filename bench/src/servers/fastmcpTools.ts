/** The fastmcp 4.20 tools of the benchmark: `reportProgress` for every update. */
import { FastMCP } from "fastmcp";
import { z } from "zod";
import { ECHO_DESCRIPTION, STREAM_DESCRIPTION, now, sleep, waitBefore } from "./common.js";

export function benchServer(): FastMCP {
  const server = new FastMCP({ name: "bench-fastmcp", version: "0.0.0" });
  server.addTool({
    name: "stream",
    description: STREAM_DESCRIPTION,
    parameters: z.object({ n: z.number().int().min(0), intervalMs: z.number().min(0) }),
    execute: async ({ n, intervalMs }, { reportProgress }) => {
      const start = performance.now();
      for (let i = 1; i <= n; i++) {
        const wait = waitBefore(start, i, intervalMs);
        if (wait > 0) await sleep(wait);
        await reportProgress({ progress: i, total: n, message: String(now()) });
      }
      return `streamed ${n}`;
    },
  });
  server.addTool({
    name: "echo",
    description: ECHO_DESCRIPTION,
    parameters: z.object({ text: z.string() }),
    execute: ({ text }) => Promise.resolve(text),
  });
  return server;
}
