/** The raw SDK tools of the benchmark: an `McpServer` per connection, as the SDK's examples make one per session. */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { ECHO_DESCRIPTION, STREAM_DESCRIPTION, now, sleep, waitBefore } from "./common.js";

/** `stream` sends `notifications/progress` when the call has a progressToken; `echo` answers at once. */
export function benchServer(): McpServer {
  const server = new McpServer({ name: "bench-sdk", version: "0.0.0" });
  server.registerTool(
    "stream",
    { description: STREAM_DESCRIPTION, inputSchema: { n: z.number().int().min(0), intervalMs: z.number().min(0) } },
    async ({ n, intervalMs }, extra) => {
      const token = extra._meta?.progressToken;
      const start = performance.now();
      for (let i = 1; i <= n; i++) {
        const wait = waitBefore(start, i, intervalMs);
        if (wait > 0) await sleep(wait);
        if (token !== undefined) {
          await extra.sendNotification({
            method: "notifications/progress",
            params: { progressToken: token, progress: i, total: n, message: String(now()) },
          });
        }
      }
      return { content: [{ type: "text", text: `streamed ${n}` }] };
    },
  );
  server.registerTool("echo", { description: ECHO_DESCRIPTION, inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text }],
  }));
  return server;
}
