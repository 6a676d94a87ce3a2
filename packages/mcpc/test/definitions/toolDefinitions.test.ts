import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Tool } from "../../src/decorators/tool.js";
import type { ObjectSchema, ToolOptions } from "../../src/decorators/toolOptions.js";
import { readToolDefinitions, snakeCase } from "../../src/definitions/toolDefinitions.js";
import { McpcError } from "../../src/errors.js";

/** A value of the wrong type, as a JavaScript user (or a stale cast) could pass it. */
function unchecked<T>(value: unknown): T {
  return value as T;
}

function definitionError(instances: object[]): McpcError {
  let error: unknown;
  try {
    readToolDefinitions(instances);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(McpcError);
  return error as McpcError;
}

/** A class with one `@Tool` method `run` made from `options` and `method`. */
function oneTool(options: ToolOptions, method: (...args: never[]) => unknown = () => "ok"): object {
  class Holder {}
  Object.defineProperty(Holder, "name", { value: "Holder" });
  Object.defineProperty(Holder.prototype, "run", { value: method, writable: true, configurable: true });
  Tool(options)(Holder.prototype, "run");
  return new Holder();
}

describe("tool names", () => {
  it.each([
    ["processData", "process_data"],
    ["getHTTPStatus", "get_http_status"],
    ["parseJSON", "parse_json"],
    ["add", "add"],
    ["already_snake", "already_snake"],
    ["v2Upload", "v2_upload"],
    ["kebab-case name", "kebab_case_name"],
  ])("defaults %s to the snake_case name %s", (method, expected) => {
    expect(snakeCase(method)).toBe(expected);
  });

  it("names a decorated method in snake_case unless @Tool gives a name", () => {
    class Tools {
      @Tool()
      processData() {}

      @Tool()
      getHTTPStatus() {}

      @Tool({ name: "fetch.page-v2" })
      fetchPage() {}
    }
    expect(readToolDefinitions([new Tools()]).map((d) => d.name)).toEqual(["process_data", "get_http_status", "fetch.page-v2"]);
  });

  it.each([["has space"], [""], ["x".repeat(129)], ["slash/name"]])("refuses the invalid name %j, naming the method", (name) => {
    const error = definitionError([oneTool({ name })]);
    expect(error.code).toBe("INVALID_TOOL_DEFINITION");
    expect(error.message).toContain("@Tool on Holder.run:");
    expect(error.message).toContain("not a valid MCP tool name");
  });

  it.each([["_mcpc_init"], ["is_mcpc_enabled"], ["_is_mcpc_enabled"]])("refuses the reserved tool name %s", (name) => {
    const error = definitionError([oneTool({ name })]);
    expect(error.code).toBe("INVALID_TOOL_DEFINITION");
    expect(error.message).toContain(`"${name}" is reserved`);
  });

  it("refuses a method whose default snake_case name is reserved", () => {
    class Handshake {
      @Tool()
      isMcpcEnabled() {
        return true;
      }
    }
    const error = definitionError([new Handshake()]);
    expect(error.message).toContain("Handshake.isMcpcEnabled");
    expect(error.message).toContain('"is_mcpc_enabled" is reserved');
  });

  it("refuses two tools of one name in different classes with DUPLICATE_TOOL naming both", () => {
    class First {
      @Tool()
      search() {}
    }
    class Second {
      @Tool({ name: "search" })
      find() {}
    }
    const error = definitionError([new First(), new Second()]);
    expect(error.code).toBe("DUPLICATE_TOOL");
    expect(error.message).toContain('"search"');
    expect(error.message).toContain("First.search");
    expect(error.message).toContain("Second.find");
  });

  it("needs an explicit name for a symbol-keyed method", () => {
    const key = Symbol("secret");
    class Keyed {
      [key]() {
        return 1;
      }
    }
    Tool()(Keyed.prototype, key);
    expect(definitionError([new Keyed()]).message).toContain("symbol-keyed method needs an explicit name");

    class Named {
      [key]() {
        return 2;
      }
    }
    Tool({ name: "named" })(Named.prototype, key);
    const [definition] = readToolDefinitions([new Named()]);
    expect(definition?.name).toBe("named");
    expect(definition?.invoke({}, {})).toBe(2);
  });
});

describe("input and output schemas", () => {
  it("refuses a non-object zod input schema such as z.string(), saying how to wrap it", () => {
    const error = definitionError([oneTool({ input: unchecked<ObjectSchema>(z.string()) })]);
    expect(error.code).toBe("INVALID_TOOL_DEFINITION");
    expect(error.message).toContain("@Tool on Holder.run:");
    expect(error.message).toContain("got a string schema");
    expect(error.message).toContain("z.object(");
  });

  it("refuses a zod 3 schema and says mcpc takes zod 4", () => {
    const zod3Like = { _def: { typeName: "ZodObject", shape: () => ({}) }, shape: {}, parse: () => ({}) };
    const error = definitionError([oneTool({ input: unchecked<ObjectSchema>(zod3Like) })]);
    expect(error.code).toBe("INVALID_TOOL_DEFINITION");
    expect(error.message).toContain("Holder.run");
    expect(error.message).toContain("zod 3");
  });

  it("refuses a plain JSON Schema object as input", () => {
    const error = definitionError([oneTool({ input: unchecked<ObjectSchema>({ type: "object", properties: {} }) })]);
    expect(error.message).toContain("input must be a zod object schema");
  });

  it("refuses a non-object output schema", () => {
    const error = definitionError([oneTool({ output: unchecked<ObjectSchema>(z.array(z.string())) })]);
    expect(error.message).toContain("output must be a zod object schema");
    expect(error.message).toContain("got a array schema");
  });

  it.each([["mcpc_params"], ["_metadata"]])("refuses the reserved argument name %s", (name) => {
    const error = definitionError([oneTool({ input: z.object({ [name]: z.string(), ok: z.number() }) })]);
    expect(error.code).toBe("INVALID_TOOL_DEFINITION");
    expect(error.message).toContain("Holder.run");
    expect(error.message).toContain(`"${name}" is reserved`);
  });

  it("makes a JSON Schema 2020-12 input schema with only the declared properties, and an output schema without $schema", () => {
    class Tools {
      @Tool({
        input: z.object({ url: z.string().describe("Where"), retries: z.number().int().optional() }),
        output: z.object({ ok: z.boolean() }),
      })
      fetch() {
        return { ok: true };
      }
    }
    const [definition] = readToolDefinitions([new Tools()]);
    expect(definition?.inputJsonSchema).toHaveProperty("$schema", "https://json-schema.org/draft/2020-12/schema");
    expect(definition?.inputJsonSchema).toMatchObject({ type: "object", required: ["url"] });
    expect(Object.keys(definition?.inputJsonSchema.properties as object)).toEqual(["url", "retries"]);
    expect(definition?.inputJsonSchema.properties).toMatchObject({ url: { type: "string", description: "Where" } });
    expect(definition?.outputJsonSchema).not.toHaveProperty("$schema");
    expect(definition?.outputJsonSchema).toMatchObject({ type: "object", properties: { ok: { type: "boolean" } } });
  });

  it("gives a tool without input an empty object schema and no output schema", () => {
    class Tools {
      @Tool()
      ping() {
        return "pong";
      }
    }
    const [definition] = readToolDefinitions([new Tools()]);
    expect(definition?.inputJsonSchema).toEqual({ type: "object", properties: {} });
    expect(definition).not.toHaveProperty("outputJsonSchema");
    expect(definition).not.toHaveProperty("input");
  });
});

describe("tool kinds", () => {
  it("makes a plain method ordinary, an async generator streaming, and one with background: true background", () => {
    class Tools {
      @Tool()
      plain() {}

      @Tool()
      async promised() {}

      @Tool()
      async *streamed() {}

      @Tool({ background: true })
      async *long() {}
    }
    expect(readToolDefinitions([new Tools()]).map((d) => [d.name, d.kind])).toEqual([
      ["plain", "ordinary"],
      ["promised", "ordinary"],
      ["streamed", "streaming"],
      ["long", "background"],
    ]);
  });

  it.each([
    ["a plain method", () => 1],
    ["an async method", async () => 1],
  ])("refuses background: true on %s, naming it", (_label, method) => {
    const error = definitionError([oneTool({ background: true }, method)]);
    expect(error.code).toBe("INVALID_TOOL_DEFINITION");
    expect(error.message).toContain("@Tool on Holder.run:");
    expect(error.message).toContain("background tools must be async generator methods");
  });

  it("refuses a synchronous generator method and says to write async *", () => {
    class Tools {
      @Tool()
      *counter() {
        yield 1;
      }
    }
    const error = definitionError([new Tools()]);
    expect(error.code).toBe("INVALID_TOOL_DEFINITION");
    expect(error.message).toContain("Tools.counter");
    expect(error.message).toContain("synchronous generator");
    expect(error.message).toContain("async *counter");
  });

  it("refuses a background option that is not a boolean", () => {
    const error = definitionError([oneTool(unchecked<ToolOptions>({ background: "yes" }), async function* () {})]);
    expect(error.message).toContain("background must be true or false");
  });

  it("gives background tools MCP task support (optional unless required), and refuses it elsewhere or misspelt", () => {
    const [optional] = readToolDefinitions([oneTool({ background: true }, async function* () {})]);
    expect(optional?.taskSupport).toBe("optional");
    const [required] = readToolDefinitions([oneTool({ background: true, taskSupport: "required" }, async function* () {})]);
    expect(required?.taskSupport).toBe("required");
    const [plain] = readToolDefinitions([oneTool({})]);
    expect(plain?.taskSupport).toBeUndefined();
    expect(definitionError([oneTool({ taskSupport: "required" })]).message).toContain("taskSupport is for background tools only: add background: true");
    const misspelt = definitionError([oneTool(unchecked<ToolOptions>({ background: true, taskSupport: "always" }), async function* () {})]);
    expect(misspelt.message).toContain('taskSupport must be "optional" or "required"; got "always"');
  });

  it("refuses options that are not an object", () => {
    const error = definitionError([oneTool(unchecked<ToolOptions>(null))]);
    expect(error.message).toContain("@Tool on Holder.run: options must be an object");
  });
});

describe("tool definitions", () => {
  it("carries title, description and annotations, and records its origin as Class.method", () => {
    class Tools {
      @Tool({ title: "Delete", description: "Deletes a file", annotations: { destructiveHint: true } })
      deleteFile() {}
    }
    const [definition] = readToolDefinitions([new Tools()]);
    expect(definition).toMatchObject({
      name: "delete_file",
      title: "Delete",
      description: "Deletes a file",
      annotations: { destructiveHint: true },
      origin: "Tools.deleteFile",
    });
  });

  it("invokes the method on its own instance with the arguments and the context", () => {
    class Counter {
      count = 10;

      @Tool({ input: z.object({ by: z.number() }) })
      add({ by }: { by: number }, ctx: { label: string }) {
        this.count += by;
        return `${ctx.label}:${this.count}`;
      }
    }
    const a = new Counter();
    const b = new Counter();
    const [onA] = readToolDefinitions([a]);
    expect(onA?.invoke({ by: 5 }, { label: "ctx" })).toBe("ctx:15");
    expect(a.count).toBe(15);
    expect(b.count).toBe(10);
  });

  it("reads no tools from an instance of a class without @Tool", () => {
    expect(readToolDefinitions([{}, new (class Nothing {})()])).toEqual([]);
  });
});
