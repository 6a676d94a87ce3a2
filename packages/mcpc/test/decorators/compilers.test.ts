import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { readToolDefinitions } from "../../src/definitions/toolDefinitions.js";
import { McpcError } from "../../src/errors.js";
import { McpcServer, Tool, createServer, type TaskContext } from "../../src/index.js";
import { runtimeOf } from "../support/runtime.js";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const fixture = join(packageDir, "test/fixtures/decoratedTools.ts");
const execFileAsync = promisify(execFile);

/** Names and kinds, the shape every compiler must agree on. */
function summary(instance: object): [string, string][] {
  return readToolDefinitions([instance]).map((d) => [d.name, d.kind]);
}

/** What every compiler must make of the source in `compiled()` and of the classes below. */
const EXPECTED = [
  ["add", "ordinary"],
  ["greet", "ordinary"],
  ["process_data", "background"],
  ["count_up", "streaming"],
];

describe("@Tool under vitest's own transform", () => {
  class Base extends McpcServer {
    @Tool({ description: "Add two numbers", input: z.object({ a: z.number(), b: z.number() }) })
    add({ a, b }: { a: number; b: number }) {
      return a + b;
    }

    @Tool({ description: "Say hello" })
    greet() {
      return "hello from Base";
    }
  }

  class Tools extends Base {
    @Tool({ description: "Process data", input: z.object({ url: z.string() }), background: true })
    async *processData({ url }: { url: string }, task: TaskContext) {
      yield `Processing ${url}`;
      await task.sleep(1);
      return { url };
    }

    @Tool({ description: "Count" })
    async *countUp() {
      yield 1;
    }

    override greet() {
      return "hello from Tools";
    }
  }

  it("records tools with their names and kinds through standard decorator metadata", () => {
    expect(summary(new Tools({ name: "t", version: "1" }))).toEqual(EXPECTED);
    const metadataKey = (Symbol as { metadata?: symbol }).metadata;
    expect(metadataKey).toBeTypeOf("symbol");
    expect(Object.prototype.hasOwnProperty.call(Tools, metadataKey as symbol)).toBe(true);
  });

  it("lets a subclass add tools, and an override without @Tool keeps the parent's tool calling the subclass method", () => {
    const definitions = readToolDefinitions([new Tools({ name: "t", version: "1" })]);
    expect(definitions.find((d) => d.name === "greet")?.invoke({}, {})).toBe("hello from Tools");
    expect(definitions.find((d) => d.name === "greet")?.description).toBe("Say hello");
  });

  it("keeps the parent class's tools unchanged by what a subclass declares", () => {
    expect(summary(new Base({ name: "b", version: "1" }))).toEqual([
      ["add", "ordinary"],
      ["greet", "ordinary"],
    ]);
  });

  it("lets a subclass re-decorate a parent's method, its options winning", () => {
    class Renamed extends Base {
      @Tool({ name: "sum", description: "Sum two numbers", input: z.object({ a: z.number(), b: z.number() }) })
      override add({ a, b }: { a: number; b: number }) {
        return a + b + 0;
      }
    }
    const definitions = readToolDefinitions([new Renamed({ name: "r", version: "1" })]);
    expect(definitions.map((d) => d.name).sort()).toEqual(["greet", "sum"]);
    expect(definitions.find((d) => d.name === "sum")?.origin).toBe("Renamed.add");
  });

  it("reads plain classes passed to createServer({ tools: [A, B] })", async () => {
    class MathTools {
      @Tool({ description: "Double", input: z.object({ n: z.number() }) })
      double({ n }: { n: number }) {
        return n * 2;
      }
    }
    class TextTools {
      @Tool({ description: "Shout", input: z.object({ s: z.string() }) })
      shout({ s }: { s: string }) {
        return s.toUpperCase();
      }
    }
    const server = createServer({ name: "composed", version: "1.0.0", tools: [MathTools, new TextTools()] });
    try {
      const tools = runtimeOf(server).tools;
      expect([...tools.keys()].sort()).toEqual(["double", "shout"]);
      expect(tools.get("double")?.invoke({ n: 21 }, {})).toBe(42);
      expect(tools.get("shout")?.origin).toBe("TextTools.shout");
    } finally {
      await server.close();
    }
  });

  it("refuses @Tool on a static method with a TypeError naming it", () => {
    expect(() => {
      class Bad {
        @Tool()
        static helper() {
          return 1;
        }
      }
      return Bad;
    }).toThrow(/public instance methods only; "helper" is a static method/);
  });

  it("refuses @Tool on a #private method", () => {
    expect(() => {
      class Bad {
        @Tool()
        #secret() {
          return 1;
        }
        use() {
          return this.#secret();
        }
      }
      return Bad;
    }).toThrow(/public instance methods only; "#secret" is a private method/);
  });

  it("records nothing on the instance and nothing in a global registry: an undecorated class has no tools", () => {
    class Empty extends McpcServer {
      plain() {
        return 1;
      }
    }
    expect(readToolDefinitions([new Empty({ name: "e", version: "1" })])).toEqual([]);
  });
});

/** A TypeScript module compiled by `ts.transpileModule`, then imported. */
const SOURCE = `
import { z } from "zod";
import { McpcServer, Tool } from "../../src/index.ts";

class Base extends McpcServer {
  @Tool({ description: "Add two numbers", input: z.object({ a: z.number(), b: z.number() }) })
  add({ a, b }: { a: number; b: number }) { return a + b; }

  @Tool({ description: "Say hello" })
  greet() { return "hello from Base"; }
}

export class Tools extends Base {
  @Tool({ description: "Process data", input: z.object({ url: z.string() }), background: true })
  async *processData({ url }: { url: string }, task: { sleep(ms: number): Promise<void> }) {
    yield "Processing " + url;
    await task.sleep(1);
    return { url };
  }

  @Tool({ description: "Count" })
  async *countUp() { yield 1; }

  override greet() { return "hello from Tools"; }
}

export class Plain {
  @Tool({ description: "Typed parameters, no design metadata needed", input: z.object({ when: z.string() }) })
  schedule({ when }: { when: string }, _ctx: Date) { return when; }
}
`;

/** Compiled modules go to packages/mcpc/.tmp/<dir>/, so "../../src/index.ts" is the source. */
const tmpDir = join(packageDir, ".tmp", `compilers-${process.pid}-${Date.now()}`);
let counter = 0;

interface CompiledModule {
  Tools: new (options: { name: string; version: string }) => object;
  Plain: new () => object;
}

async function compileAndImport(options: ts.CompilerOptions): Promise<{ js: string; module: CompiledModule }> {
  const { outputText, diagnostics } = ts.transpileModule(SOURCE, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, ...options },
    reportDiagnostics: true,
    fileName: "tools.ts",
  });
  expect(diagnostics ?? []).toEqual([]);
  const file = join(tmpDir, `tools-${counter++}.mjs`);
  await writeFile(file, outputText);
  const module = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as CompiledModule;
  return { js: outputText, module };
}

describe("@Tool compiled by tsc", () => {
  beforeAll(async () => {
    await mkdir(tmpDir, { recursive: true });
  });

  afterAll(async () => {
    await rm(tmpDir, { recursive: true, force: true });
  });

  it("standard decorators (TypeScript 5 default) record the same tools", async () => {
    const { js, module } = await compileAndImport({});
    expect(js).toContain("__esDecorate");
    expect(summary(new module.Tools({ name: "t", version: "1" }))).toEqual(EXPECTED);
    expect(readToolDefinitions([new module.Tools({ name: "t", version: "1" })]).find((d) => d.name === "greet")?.invoke({}, {})).toBe(
      "hello from Tools",
    );
  });

  it("experimentalDecorators record the same tools", async () => {
    const { js, module } = await compileAndImport({ experimentalDecorators: true });
    expect(js).toContain("__decorate(");
    expect(js).not.toContain("__esDecorate");
    expect(summary(new module.Tools({ name: "t", version: "1" }))).toEqual(EXPECTED);
    expect(readToolDefinitions([new module.Tools({ name: "t", version: "1" })]).find((d) => d.name === "greet")?.invoke({}, {})).toBe(
      "hello from Tools",
    );
  });

  it.each([
    ["standard decorators", {}],
    ["experimentalDecorators", { experimentalDecorators: true }],
  ] as const)("needs no design:* metadata under %s", async (_label, options) => {
    const { js, module } = await compileAndImport(options);
    expect(js).not.toContain("design:");
    const [definition] = readToolDefinitions([new module.Plain()]);
    expect(definition?.name).toBe("schedule");
    expect(definition?.inputJsonSchema).toMatchObject({ properties: { when: { type: "string" } } });
  });

  it("a build that lowers async generators (target ES2017) gets an error that says so", async () => {
    const { module } = await compileAndImport({ target: ts.ScriptTarget.ES2017, experimentalDecorators: true });
    let error: unknown;
    try {
      readToolDefinitions([new module.Tools({ name: "t", version: "1" })]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(McpcError);
    expect((error as McpcError).code).toBe("INVALID_TOOL_DEFINITION");
    expect((error as McpcError).message).toContain("Tools.processData");
    expect((error as McpcError).message).toContain("ES2018");
  });
});

describe("@Tool under tsx", () => {
  async function runFixture(env: NodeJS.ProcessEnv = {}): Promise<{ convention: string; tools: string[][]; greet: string }> {
    const { stdout } = await execFileAsync(process.execPath, ["--import", "tsx", fixture], {
      cwd: packageDir,
      env: { ...process.env, ...env },
      timeout: 20_000,
    });
    return JSON.parse(stdout) as { convention: string; tools: string[][]; greet: string };
  }

  it("standard decorators record the same tools", async () => {
    const out = await runFixture();
    expect(out).toEqual({ convention: "standard", tools: EXPECTED, greet: "hello from Tools" });
  });

  it("experimentalDecorators record the same tools", async () => {
    const out = await runFixture({ TSX_TSCONFIG_PATH: join(packageDir, "test/fixtures/tsconfig.experimental.json") });
    expect(out).toEqual({ convention: "experimental", tools: EXPECTED, greet: "hello from Tools" });
  });
});
