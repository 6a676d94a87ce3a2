import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";

const server = fileURLToPath(new URL("../dist/server.js", import.meta.url));
let child: ChildProcessWithoutNullStreams | undefined;
let client: Client | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  child = undefined;
});

/** Starts the example with --http --port 0 and reads the URL it prints to stderr (bounded). */
async function startHttp(): Promise<URL> {
  child = spawn(process.execPath, [server, "--http", "--port", "0"], { env: { ...process.env, PROCESS_DATA_STEP_MS: "10" } });
  let stderr = "";
  const proc = child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 10 s; stderr: ${stderr}`)), 10_000);
    proc.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(new URL(match[1]));
      }
    });
    proc.once("exit", (code) => reject(new Error(`exited ${String(code)}: ${stderr}`)));
  });
}

describe("the example server over HTTP (--http --port 0)", () => {
  it("prints its URL and answers a plain SDK client there, with progress", async () => {
    const url = await startHttp();
    client = new Client({ name: "plain-http", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url));
    const progress: number[] = [];
    const result = await client.callTool({ name: "process_data", arguments: { url: "https://example.com/h.csv" } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(result.structuredContent).toMatchObject({ summary: "Processed data. No issues." });
    expect(progress).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
