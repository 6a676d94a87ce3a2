import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ResourceUpdatedNotificationSchema,
  type ElicitRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { connectClient, fixture } from "./harness.js";
import { waitFor } from "../support/async.js";

const SERVER = fixture("catalogServer.ts");

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const textOf = (content: unknown) => (content as Array<{ text: string }>)[0]?.text;

async function open(client: Client) {
  const connected = await connectClient(SERVER, client);
  cleanups.push(() => connected.close());
  return connected.client;
}

describe("resources, prompts, elicit and sample over stdio", () => {
  it("declares resources (with subscribe), prompts and completions, and serves static resources, templates and prompts", async () => {
    const client = await open(new Client({ name: "e2e", version: "1.0.0" }));
    expect(client.getServerCapabilities()).toMatchObject({ resources: { subscribe: true }, prompts: {}, completions: {} });

    const { resources } = await client.listResources();
    expect(resources).toEqual([
      { uri: "config://app", name: "app-config", description: "The app's configuration", mimeType: "application/json" },
      { uri: "image://pixel", name: "pixel", mimeType: "image/png" },
    ]);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([{ uriTemplate: "notes://{id}", name: "note", mimeType: "text/plain" }]);

    expect((await client.readResource({ uri: "config://app" })).contents).toEqual([
      { uri: "config://app", mimeType: "application/json", text: '{"theme":"dark"}' },
    ]);
    expect((await client.readResource({ uri: "image://pixel" })).contents).toEqual([
      { uri: "image://pixel", mimeType: "image/png", blob: Buffer.from([137, 80, 78, 71]).toString("base64") },
    ]);
    expect((await client.readResource({ uri: "notes://2" })).contents).toEqual([{ uri: "notes://2", mimeType: "text/plain", text: "second note" }]);
    await expect(client.readResource({ uri: "nothing://here" })).rejects.toThrow(/Resource not found: "nothing:\/\/here"/);

    const prompt = await client.getPrompt({ name: "review", arguments: { language: "rust", code: "fn main() {}" } });
    expect(prompt.messages).toEqual([{ role: "user", content: { type: "text", text: "Review this rust:\nfn main() {}" } }]);
    const completion = await client.complete({ ref: { type: "ref/prompt", name: "review" }, argument: { name: "language", value: "ty" } });
    expect(completion.completion.values).toEqual(["typescript"]);
    const ids = await client.complete({ ref: { type: "ref/resource", uri: "notes://{id}" }, argument: { name: "id", value: "" } });
    expect(ids.completion.values).toEqual(["1", "2"]);
  });

  it("sends notifications/resources/updated to a subscribed session, and none after it unsubscribed", async () => {
    const client = await open(new Client({ name: "e2e", version: "1.0.0" }));
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await client.subscribeResource({ uri: "notes://1" });
    const first = await client.callTool({ name: "edit_note", arguments: { id: "1", text: "changed" } });
    expect(first.structuredContent).toEqual({ notified: 1 });
    await waitFor(() => updated.length === 1, "the resources/updated notification");
    expect(updated).toEqual(["notes://1"]);
    expect((await client.readResource({ uri: "notes://1" })).contents[0]).toMatchObject({ text: "changed" });
    await client.unsubscribeResource({ uri: "notes://1" });
    const second = await client.callTool({ name: "edit_note", arguments: { id: "1", text: "again" } });
    expect(second.structuredContent).toEqual({ notified: 0 });
    expect(updated).toEqual(["notes://1"]);
  });

  it("elicits and samples through a client that declares both capabilities", async () => {
    const client = new Client({ name: "e2e", version: "1.0.0" }, { capabilities: { elicitation: {}, sampling: {} } });
    const asked: ElicitRequest["params"][] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params);
      return { action: "accept", content: { name: "Ada" } };
    });
    client.setRequestHandler(CreateMessageRequestSchema, (request) => ({
      role: "assistant",
      content: { type: "text", text: `4 (max ${request.params.maxTokens})` },
      model: "test-model",
    }));
    await open(client);
    const named = await client.callTool({ name: "ask_name", arguments: {} });
    expect(named.content).toEqual([{ type: "text", text: "hello Ada" }]);
    expect(asked[0]).toMatchObject({ message: "What is your name?", requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } });
    const sampled = await client.callTool({ name: "ask_model", arguments: {} });
    expect(sampled.content).toEqual([{ type: "text", text: "model said 4 (max 10)" }]);
  });

  it("answers an isError result naming the missing capability when the client declares neither", async () => {
    const client = await open(new Client({ name: "no-caps", version: "1.0.0" }));
    const named = await client.callTool({ name: "ask_name", arguments: {} });
    expect(named.isError).toBe(true);
    expect(textOf(named.content)).toMatch(/ctx\.elicit\(\).*"elicitation" capability.*no-caps did not/);
    const sampled = await client.callTool({ name: "ask_model", arguments: {} });
    expect(sampled.isError).toBe(true);
    expect(textOf(sampled.content)).toMatch(/ctx\.sample\(\).*"sampling" capability/);
  });
});
