/* global URL, setInterval, clearInterval -- Node globals the lint config does not list for .mjs */
// `pnpm demo:ui`: the task dashboard on the demo. Serves examples/process-data with
// `mcpc serve --http --ui`, prints the dashboard's URL, and keeps a few tasks going
// from two clients (an MCPC client and a plain SDK client, so both rungs show) until Ctrl-C.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpcClient } from "mcpc/client";

const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const example = fileURLToPath(new URL("../../../examples/process-data/src/server.ts", import.meta.url));
// Slow steps, so that there is something to watch (and to stop) for a while.
const env = { ...process.env, PROCESS_DATA_STEP_MS: process.env.PROCESS_DATA_STEP_MS ?? "3000" };
const server = spawn(process.execPath, [bin, "serve", example, "--http", "--port", "0", "--ui"], { env, stdio: ["ignore", "inherit", "pipe"] });

let stderr = "";
const urls = await new Promise((resolve, reject) => {
  server.once("exit", (code) => reject(new Error(`mcpc serve exited (${code}) before it served:\n${stderr}`)));
  server.stderr.on("data", (chunk) => {
    process.stderr.write(chunk);
    stderr += chunk.toString();
    const page = /dashboard on (\S+)/.exec(stderr)?.[1];
    const mcp = /serving Streamable HTTP on (\S+)/.exec(stderr)?.[1];
    if (page && mcp) resolve({ page, mcp });
  });
});

console.log(`\n  Open the dashboard:  ${urls.page}\n\n  Tasks start every few seconds; press Stop on one, click Log, or press Ctrl-C here to end the demo.\n`);

const native = new McpcClient(new Client({ name: "demo-mcpc-client", version: "1.0.0" }));
await native.connect(new StreamableHTTPClientTransport(new URL(urls.mcp)));
const plain = new Client({ name: "demo-plain-client", version: "1.0.0" });
await plain.connect(new StreamableHTTPClientTransport(new URL(urls.mcp)));

let stopping = false;
let n = 0;
const start = () => native.callTool("process_data", { url: `https://example.com/batch-${++n}.csv` }).catch(() => undefined);
await Promise.all([start(), start(), start()]);
// A new MCPC task every 4 s, and one plain call at a time (it waits for its result, with progress).
const timer = setInterval(() => void start(), 4_000);
const plainLoop = (async () => {
  while (!stopping) {
    await plain.callTool({ name: "process_data", arguments: { url: `https://example.com/plain-${++n}.csv` } }, undefined, { timeout: 120_000 }).catch(() => undefined);
  }
})();

const end = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await Promise.all([native.close(), plain.close()]).catch(() => undefined);
  server.kill("SIGTERM");
  await plainLoop;
};
process.once("SIGINT", () => void end());
process.once("SIGTERM", () => void end());
await new Promise((resolve) => server.once("exit", resolve));
await end();
