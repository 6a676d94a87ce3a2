/**
 * The fixture server of the MCP conformance suite (`@modelcontextprotocol/conformance`
 * 0.1.16, server mode), written with mcpc's decorators: the tools, resources and
 * prompts its scenarios call, with the answers they expect (names and texts from
 * the suite's scenario descriptions). Serves Streamable HTTP on 127.0.0.1.
 *
 *   node dist/server.js --port 3000   # prints its URL to stderr
 */
import { parseArgs } from "node:util";
import { setTimeout as delay } from "node:timers/promises";
import { McpcServer, Prompt, Resource, Tool, type ToolContext } from "mcpc";
import { z } from "zod";

/** A 1×1 red pixel. */
export const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/** A WAV file with a header and no samples (8 kHz, mono, 16 bit). */
export const WAV_BASE64 = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";

/** The `$defs` entry of the JSON Schema 2020-12 tool: a schema with an id is emitted once, as a `$ref`. */
const Address = z.object({ street: z.string().optional(), city: z.string().optional() }).meta({ id: "address" });

export class ConformanceServer extends McpcServer {
  // ---- tools ----

  @Tool({ name: "test_simple_text", description: "Returns simple text" })
  simpleText() {
    return "This is a simple text response for testing.";
  }

  @Tool({ name: "test_image_content", description: "Returns an image" })
  imageContent() {
    return { content: [{ type: "image", data: PNG_BASE64, mimeType: "image/png" }] };
  }

  @Tool({ name: "test_audio_content", description: "Returns audio" })
  audioContent() {
    return { content: [{ type: "audio", data: WAV_BASE64, mimeType: "audio/wav" }] };
  }

  @Tool({ name: "test_embedded_resource", description: "Returns an embedded resource" })
  embeddedResource() {
    return {
      content: [
        { type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." } },
      ],
    };
  }

  @Tool({ name: "test_multiple_content_types", description: "Returns text, an image and a resource" })
  multipleContentTypes() {
    return {
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: PNG_BASE64, mimeType: "image/png" },
        {
          type: "resource",
          resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) },
        },
      ],
    };
  }

  @Tool({ name: "test_tool_with_logging", description: "Sends three log messages while it runs" })
  async toolWithLogging(_args: object, ctx: ToolContext) {
    ctx.log.info("Tool execution started");
    await delay(50);
    ctx.log.info("Tool processing data");
    await delay(50);
    ctx.log.info("Tool execution completed");
    return "Tool with logging executed successfully";
  }

  @Tool({ name: "test_error_handling", description: "Always fails" })
  errorHandling(): never {
    throw new Error("This tool intentionally returns an error for testing");
  }

  @Tool({ name: "test_tool_with_progress", description: "Reports progress 0, 50 and 100 of 100" })
  async *toolWithProgress() {
    yield { progress: 0, total: 100 };
    await delay(50);
    yield { progress: 50, total: 100 };
    await delay(50);
    yield { progress: 100, total: 100 };
    return "Tool with progress executed successfully";
  }

  @Tool({ name: "test_sampling", description: "Asks the client's model", input: z.object({ prompt: z.string().describe("The prompt to send to the LLM") }) })
  async sampling({ prompt }: { prompt: string }, ctx: ToolContext) {
    const result = await ctx.sample({ messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 100 });
    return `LLM response: ${result.content.type === "text" ? result.content.text : JSON.stringify(result.content)}`;
  }

  @Tool({ name: "test_elicitation", description: "Asks the user", input: z.object({ message: z.string().describe("The message to show the user") }) })
  async elicitation({ message }: { message: string }, ctx: ToolContext) {
    const answer = await ctx.elicit(
      message,
      z.object({ username: z.string().describe("User's response"), email: z.string().describe("User's email address") }),
    );
    return `User response: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`;
  }

  @Tool({ name: "test_elicitation_sep1034_defaults", description: "Asks the user with defaults for every primitive type (SEP-1034)" })
  async elicitationDefaults(_args: object, ctx: ToolContext) {
    const answer = await ctx.elicit(
      "Please review and update the form fields with defaults",
      z.object({
        name: z.string().describe("User name").default("John Doe"),
        age: z.int().describe("User age").default(30),
        score: z.number().describe("User score").default(95.5),
        status: z.enum(["active", "inactive", "pending"]).describe("User status").default("active"),
        verified: z.boolean().describe("Verification status").default(true),
      }),
    );
    return `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`;
  }

  @Tool({ name: "test_elicitation_sep1330_enums", description: "Asks the user with the five enum forms (SEP-1330)" })
  async elicitationEnums(_args: object, ctx: ToolContext) {
    const titled = (pairs: readonly (readonly [string, string])[]) => pairs.map(([value, title]) => z.literal(value).meta({ title }));
    const answer = await ctx.elicit(
      "Please pick options",
      z.object({
        untitledSingle: z.enum(["option1", "option2", "option3"]),
        // oneOf of const/title, under type "string"
        titledSingle: z.xor(titled([["value1", "First Option"], ["value2", "Second Option"], ["value3", "Third Option"]])).meta({ type: "string" }),
        legacyEnum: z.enum(["opt1", "opt2", "opt3"]).meta({ enumNames: ["Option One", "Option Two", "Option Three"] }),
        untitledMulti: z.array(z.enum(["option1", "option2", "option3"])),
        // items: anyOf of const/title
        titledMulti: z.array(z.union(titled([["value1", "First Choice"], ["value2", "Second Choice"], ["value3", "Third Choice"]]))),
      }),
    );
    return `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`;
  }

  @Tool({
    name: "json_schema_2020_12_tool",
    description: "Tool with JSON Schema 2020-12 features",
    input: z.strictObject({ name: z.string().optional(), address: Address.optional() }),
  })
  jsonSchema202012(args: { name?: string; address?: z.infer<typeof Address> }) {
    return `Received: ${JSON.stringify(args)}`;
  }

  @Tool({ name: "test_reconnection", description: "Answers after a short pause (the suite's SSE polling scenario calls it)" })
  async reconnection() {
    await delay(100);
    return "Reconnection test completed successfully";
  }

  // ---- resources ----

  @Resource({ uri: "test://static-text", name: "static-text", mimeType: "text/plain", description: "A static text resource" })
  staticText() {
    return "This is the content of the static text resource.";
  }

  @Resource({ uri: "test://static-binary", name: "static-binary", mimeType: "image/png", description: "A static binary resource (a PNG)" })
  staticBinary() {
    return new Uint8Array(Buffer.from(PNG_BASE64, "base64"));
  }

  @Resource({ uri: "test://watched-resource", name: "watched-resource", mimeType: "text/plain", description: "A resource to subscribe to" })
  watchedResource() {
    return "Watched resource content.";
  }

  @Resource({ uriTemplate: "test://template/{id}/data", name: "template-data", mimeType: "application/json", description: "Data by id" })
  templateData({ id }: { id?: string | string[] }) {
    const value = Array.isArray(id) ? id.join(",") : (id ?? "");
    return JSON.stringify({ id: value, templateTest: true, data: `Data for ID: ${value}` });
  }

  // ---- prompts ----

  @Prompt({ name: "test_simple_prompt", description: "A simple prompt without arguments" })
  simplePrompt() {
    return "This is a simple prompt for testing.";
  }

  @Prompt({
    name: "test_prompt_with_arguments",
    description: "A prompt with two arguments",
    args: z.object({ arg1: z.string().describe("First test argument"), arg2: z.string().describe("Second test argument") }),
    complete: { arg1: (value) => ["paris", "park", "party"].filter((v) => v.startsWith(value)) },
  })
  promptWithArguments({ arg1, arg2 }: { arg1: string; arg2: string }) {
    return `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`;
  }

  @Prompt({
    name: "test_prompt_with_embedded_resource",
    description: "A prompt embedding a resource",
    args: z.object({ resourceUri: z.string().describe("URI of the resource to embed") }),
  })
  promptWithEmbeddedResource({ resourceUri }: { resourceUri: string }) {
    return {
      messages: [
        { role: "user", content: { type: "resource", resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
        { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
      ],
    };
  }

  @Prompt({ name: "test_prompt_with_image", description: "A prompt with an image" })
  promptWithImage() {
    return {
      messages: [
        { role: "user", content: { type: "image", data: PNG_BASE64, mimeType: "image/png" } },
        { role: "user", content: { type: "text", text: "Please analyze the image above." } },
      ],
    };
  }
}

const { values: flags } = parseArgs({ options: { port: { type: "string", default: "3000" } } });
const port = Number(flags.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port needs a port number (0 picks a free one); got "${flags.port}".`);
  process.exit(2);
}
const { url } = await new ConformanceServer({ name: "mcpc-conformance-server", version: "1.0.0" }).serve({ transport: "http", port, host: "127.0.0.1" });
// stdout stays quiet; the URL goes to stderr, where a launcher reads it.
console.error(`conformance-server serving Streamable HTTP on ${url}`);
