/**
 * The demo: starts the example server as a child process, calls `process_data`
 * as a background task and prints its events as they arrive, while the
 * conversation goes on (an ordinary `add` call answers in the meantime).
 *
 *   node dist/client.js [url]
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpcClient } from "mcpc/client";

const url = process.argv[2] ?? "https://example.com/data.csv";
const serverPath = fileURLToPath(new URL("./server.js", import.meta.url));
const started = Date.now();
const at = () => `${String(Date.now() - started).padStart(5)} ms`;

const client = new McpcClient(new Client({ name: "process-data-demo", version: "1.0.0" }));
// One listener sees every MCPC message, in the order the server sent them.
client.on((message) => {
  if (message.type === "server_event") {
    console.log(`${at()}  server_event ${message.event}: ${JSON.stringify(message.result)}`);
  } else {
    console.log(`${at()}  ${`#${message.seq}`.padEnd(4)} ${message.event.padEnd(8)} ${JSON.stringify(message.result)}`);
  }
});
await client.connect(
  new StdioClientTransport({ command: process.execPath, args: [serverPath], env: { ...process.env } as Record<string, string>, stderr: "inherit" }),
);
console.log(`${at()}  connected; MCPC ${client.mcpcEnabled ? "enabled" : "not offered"} by the server`);

const task = await client.callTool("process_data", { url });
console.log(`${at()}  process_data answered at once: task ${task.taskId} (${task.mode})`);

const sum = await client.callTool("add", { a: 2, b: 3 });
console.log(`${at()}  meanwhile, add(2, 3) = ${String((await sum.result()).result)}`);

const final = await task.result();
console.log(`${at()}  ${final.event}: ${task.missed} events missed`);
await client.close();
