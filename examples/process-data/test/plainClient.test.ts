import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "vitest";

const server = fileURLToPath(new URL("../dist/server.js", import.meta.url));
let client: Client | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
});

async function connectPlain(): Promise<Client> {
  client = new Client({ name: "plain-sdk-client", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [server], env: { ...process.env, PROCESS_DATA_STEP_MS: "10" } as Record<string, string>, stderr: "ignore" }),
  );
  return client;
}

describe("the example server, to a plain SDK client over stdio", () => {
  it("lists process_data with only url in its schema, and nothing of MCPC", async () => {
    const plain = await connectPlain();
    const { tools } = await plain.listTools();
    // And the job-handle tools a plain client may need (docs/hosts.md).
    expect(tools.map((t) => t.name).sort()).toEqual(["add", "process_data", "task_result", "task_send", "task_status", "task_stop"]);
    const processData = tools.find((t) => t.name === "process_data");
    expect(Object.keys(processData?.inputSchema.properties ?? {})).toEqual(["url"]);
    expect(processData?.inputSchema.required).toEqual(["url"]);
    expect(JSON.stringify(tools)).not.toMatch(/mcpc|_metadata|\$defs/);
  });

  it("returns the final result of the background tool synchronously", async () => {
    const plain = await connectPlain();
    const result = await plain.callTool({ name: "process_data", arguments: { url: "https://example.com/a.csv" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ summary: "Processed data. No issues.", dataId: expect.any(String) });
  });

  it("sends one progress notification per update, strictly increasing, before the answer", async () => {
    const plain = await connectPlain();
    const progress: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = await plain.callTool({ name: "process_data", arguments: { url: "https://example.com/b.csv" } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    expect(result.structuredContent).toMatchObject({ summary: "Processed data. No issues." });
    expect(progress).toHaveLength(6);
    expect(progress[0]).toEqual({ progress: 0, message: "Processing https://example.com/b.csv..." });
    expect(progress.slice(1)).toEqual([1, 2, 3, 4, 5].map((step) => ({ progress: step, total: 5, message: `step ${step}/5` })));
  });

  it("answers invalid arguments with an error that names the field", async () => {
    const plain = await connectPlain();
    const result = await plain.callTool({ name: "process_data", arguments: { url: "not a url" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/process_data.*url: Invalid URL/);
  });
});
