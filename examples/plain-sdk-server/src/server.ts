/**
 * MCPC on a plain SDK server: you keep your own `McpServer` and its tools;
 * `attach(server)` adds negotiation (native and Python mcpc), hides the call
 * tags, and `mcpc.startTask()` runs a tool's work on the MCPC task engine.
 * Served on stdio.
 *
 *   node dist/server.js            (step length: PLAIN_SDK_STEP_MS, default 500)
 */
import { randomUUID } from "node:crypto";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { attach } from "mcpc/helper";
import { z } from "zod";

const stepMs = Number(process.env.PLAIN_SDK_STEP_MS ?? 500);

const server = new McpServer({ name: "plain-sdk-server", version: "1.0.0" });
const mcpc = attach(server);

server.registerTool(
  "process_data",
  { description: "Process the data behind a URL (takes a while; reports progress)", inputSchema: { url: z.string().url() } },
  ({ url }, extra) =>
    // MCPC clients get `created` now and the events as they happen; anyone else gets the return value.
    mcpc.startTask(extra, "process_data", async function* (task) {
      yield `Processing ${url}...`;
      for (let step = 1; step <= 3; step++) {
        await task.sleep(stepMs);
        yield { progress: step, total: 3, message: `step ${step}/3` };
      }
      const dataId = randomUUID();
      task.emit("notification", { message: `Data from ${url} is ready`, dataId });
      return { dataId, summary: "Processed data. No issues." };
    }),
);

server.registerTool("add", { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
  content: [{ type: "text", text: String(a + b) }],
}));

const transport = new StdioServerTransport();
// The SDK's stdio transport does not notice stdin ending: stop the tasks and exit then.
process.stdin.on("end", () => {
  void mcpc.close().then(() => process.exit(0));
});
await server.connect(transport);
