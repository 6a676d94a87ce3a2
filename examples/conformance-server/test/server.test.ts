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

/** Starts the server with --port 0 and reads the URL it prints to stderr (bounded). */
async function start(): Promise<URL> {
  child = spawn(process.execPath, [server, "--port", "0"]);
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

describe("the conformance fixture server (--port 0)", () => {
  it("prints its URL and lists the suite's fixtures to an SDK client over Streamable HTTP", async () => {
    const url = await start();
    client = new Client({ name: "conformance-server-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url));

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "json_schema_2020_12_tool",
      "test_audio_content",
      "test_elicitation",
      "test_elicitation_sep1034_defaults",
      "test_elicitation_sep1330_enums",
      "test_embedded_resource",
      "test_error_handling",
      "test_image_content",
      "test_multiple_content_types",
      "test_reconnection",
      "test_sampling",
      "test_simple_text",
      "test_tool_with_logging",
      "test_tool_with_progress",
    ]);
    for (const tool of tools) expect(tool.description, tool.name).toBeTruthy();

    expect(await client.callTool({ name: "test_simple_text" })).toEqual({
      content: [{ type: "text", text: "This is a simple text response for testing." }],
    });
    const failed = await client.callTool({ name: "test_error_handling" });
    expect(failed.isError).toBe(true);

    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(["test://static-binary", "test://static-text", "test://watched-resource"]);
    const read = await client.readResource({ uri: "test://template/123/data" });
    expect(read.contents[0]).toMatchObject({ uri: "test://template/123/data", mimeType: "application/json" });
    expect(JSON.parse(String((read.contents[0] as { text?: string }).text))).toEqual({ id: "123", templateTest: true, data: "Data for ID: 123" });

    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual([
      "test_prompt_with_arguments",
      "test_prompt_with_embedded_resource",
      "test_prompt_with_image",
      "test_simple_prompt",
    ]);
    const prompt = await client.getPrompt({ name: "test_prompt_with_arguments", arguments: { arg1: "hello", arg2: "world" } });
    expect(prompt.messages).toEqual([{ role: "user", content: { type: "text", text: "Prompt with arguments: arg1='hello', arg2='world'" } }]);
  });
});
