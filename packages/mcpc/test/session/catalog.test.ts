import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpcServer, Prompt, Resource, Tool, type ResourceContext, type ToolContext } from "../../src/index.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real SDK client linked in memory to a fresh session of `server`. */
async function connect(server: McpcServer, client = new Client({ name: "memory", version: "1.0.0" })): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

class Library extends McpcServer {
  @Resource({ uri: "docs://readme", title: "Read me" })
  readme(_vars: object, ctx: ResourceContext) {
    return `read from ${ctx.uri}`;
  }

  @Resource({ uri: "docs://both" })
  both() {
    return { contents: [{ uri: "docs://both", text: "a" }, { uri: "docs://both#2", blob: "AAE=" }] };
  }

  @Resource({ uri: "docs://broken" })
  broken() {
    return 42;
  }

  @Resource({ uriTemplate: "users://{user}/files/{file}" })
  file({ user, file }: { user: string; file: string }) {
    return `${user}/${file}`;
  }

  @Prompt({ description: "A conversation", args: z.object({ topic: z.string(), tone: z.string().optional().describe("How to sound") }) })
  chat({ topic, tone }: { topic: string; tone?: string }) {
    return {
      messages: [
        { role: "user" as const, content: { type: "text" as const, text: `Talk about ${topic}` } },
        { role: "assistant" as const, content: { type: "text" as const, text: `In a ${tone ?? "plain"} tone.` } },
      ],
    };
  }

  @Tool({ description: "Asks for an age" })
  async askAge(_args: object, ctx: ToolContext) {
    const answer = await ctx.elicit("How old are you?", z.object({ age: z.number().int() }));
    return answer.action === "accept" ? { age: answer.content.age } : { declined: answer.action };
  }

  @Tool({ description: "Samples" })
  async summarize(_args: object, ctx: ToolContext) {
    const result = await ctx.sample({ messages: [{ role: "user", content: { type: "text", text: "summarize" } }], maxTokens: 5, systemPrompt: "brief" });
    return { model: result.model };
  }
}

class ToolsOnly extends McpcServer {
  @Tool({ description: "Add" })
  add() {
    return 1;
  }
}

function elicitingClient(answer: ElicitResult): Client {
  const client = new Client({ name: "asker", version: "1.0.0" }, { capabilities: { elicitation: {}, sampling: {} } });
  client.setRequestHandler(ElicitRequestSchema, () => answer);
  client.setRequestHandler(CreateMessageRequestSchema, (request) => ({
    role: "assistant",
    content: { type: "text", text: "ok" },
    model: `model for ${request.params.systemPrompt ?? "none"}`,
  }));
  return client;
}

describe("resources and prompts in memory", () => {
  it("declares no resources, prompts or completions capability on a server without them, and the methods are not found", async () => {
    const client = await connect(new ToolsOnly({ name: "t", version: "1" }));
    const capabilities = client.getServerCapabilities() ?? {};
    expect(capabilities.tools).toBeDefined();
    expect(capabilities.resources).toBeUndefined();
    expect(capabilities.prompts).toBeUndefined();
    expect(capabilities.completions).toBeUndefined();
    await expect(client.request({ method: "resources/list" }, z.object({}).loose())).rejects.toThrow(/Method not found/);
  });

  it("declares resources and prompts but not completions when nothing has a completer", async () => {
    const client = await connect(new Library({ name: "l", version: "1" }));
    expect(client.getServerCapabilities()).toMatchObject({ resources: { subscribe: true }, prompts: {} });
    expect(client.getServerCapabilities()?.completions).toBeUndefined();
  });

  it("reads a static resource with its context, passes { contents } through, and matches multi-variable templates", async () => {
    const client = await connect(new Library({ name: "l", version: "1" }));
    expect((await client.listResources()).resources.map((r) => [r.name, r.title])).toEqual([
      ["readme", "Read me"],
      ["both", undefined],
      ["broken", undefined],
    ]);
    expect((await client.readResource({ uri: "docs://readme" })).contents).toEqual([{ uri: "docs://readme", text: "read from docs://readme" }]);
    expect((await client.readResource({ uri: "docs://both" })).contents).toHaveLength(2);
    expect((await client.readResource({ uri: "users://ada/files/notes.txt" })).contents).toEqual([
      { uri: "users://ada/files/notes.txt", text: "ada/notes.txt" },
    ]);
  });

  it("answers a resource method's unusable return value with an error naming the resource and what to return", async () => {
    const client = await connect(new Library({ name: "l", version: "1" }));
    await expect(client.readResource({ uri: "docs://broken" })).rejects.toThrow(/Resource "broken" returned number; a resource method returns a string, a Uint8Array or \{ contents/);
  });

  it("lists prompt arguments with descriptions and required flags, passes { messages } through, and refuses invalid arguments naming the field", async () => {
    const client = await connect(new Library({ name: "l", version: "1" }));
    const { prompts } = await client.listPrompts();
    expect(prompts).toEqual([
      {
        name: "chat",
        description: "A conversation",
        arguments: [
          { name: "topic", required: true },
          { name: "tone", description: "How to sound", required: false },
        ],
      },
    ]);
    const got = await client.getPrompt({ name: "chat", arguments: { topic: "tides", tone: "calm" } });
    expect(got.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(got.description).toBe("A conversation");
    await expect(client.getPrompt({ name: "chat", arguments: {} })).rejects.toThrow(/Invalid arguments for prompt "chat": topic:/);
    await expect(client.getPrompt({ name: "nope" })).rejects.toThrow(/Unknown prompt "nope"\. This server's prompts are: chat/);
  });
});

describe("ctx.elicit and ctx.sample in memory", () => {
  it("returns accepted content parsed by the schema", async () => {
    const client = await connect(new Library({ name: "l", version: "1" }), elicitingClient({ action: "accept", content: { age: 36 } }));
    expect((await client.callTool({ name: "ask_age", arguments: {} })).structuredContent).toEqual({ age: 36 });
  });

  it("returns decline without content", async () => {
    const client = await connect(new Library({ name: "l", version: "1" }), elicitingClient({ action: "decline" }));
    expect((await client.callTool({ name: "ask_age", arguments: {} })).structuredContent).toEqual({ declined: "decline" });
  });

  it("fails with INVALID_CLIENT_RESPONSE naming the field when accepted content does not match the schema", async () => {
    const client = new Client({ name: "liar", version: "1.0.0" }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, () => ({ action: "accept", content: { age: "old" } }));
    await connect(new Library({ name: "l", version: "1" }), client);
    const result = await client.callTool({ name: "ask_age", arguments: {} });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]?.text).toMatch(/ask_age.*does not match its schema: age:/);
  });

  it("samples through the client's model, with the request's params", async () => {
    const client = await connect(new Library({ name: "l", version: "1" }), elicitingClient({ action: "cancel" }));
    expect((await client.callTool({ name: "summarize", arguments: {} })).structuredContent).toEqual({ model: "model for brief" });
  });

  it("fails with CLIENT_CAPABILITY_MISSING and sends no request when the client lacks sampling", async () => {
    const client = new Client({ name: "elicit-only", version: "1.0.0" }, { capabilities: { elicitation: {} } });
    let asked = 0;
    client.setRequestHandler(ElicitRequestSchema, () => {
      asked++;
      return { action: "cancel" };
    });
    await connect(new Library({ name: "l", version: "1" }), client);
    const result = await client.callTool({ name: "summarize", arguments: {} });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]?.text).toMatch(/"sampling" capability in initialize; elicit-only did not/);
    expect(asked).toBe(0);
  });
});
