import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHECKED_LANGS, extractBlocks, typeCheckBlocks, type CodeBlock } from "../src/codeBlocks.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const pkg = join(here, "..");
const root = join(pkg, "..");
const preludes = join(pkg, "preludes");

/** README.md and docs/*.md (not docs/api/, which typedoc generates). */
function docFiles(): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

function allBlocks(): CodeBlock[] {
  return docFiles().flatMap((file) => extractBlocks(readFileSync(join(root, file), "utf8"), file));
}

describe("the harness", () => {
  it("reads directives, languages and lines", () => {
    const md = ["# t", "", "<!-- doc-check: prelude=a,b -->", "```ts", "x;", "```", "", "<!-- doc-check: skip (partial) -->", "", "```typescript", "y;", "```", "```sh", "ls", "```"].join("\n");
    const blocks = extractBlocks(md, "t.md");
    expect(blocks.map((b) => [b.line, b.lang, b.preludes, b.skip])).toEqual([
      [5, "ts", ["a", "b"], undefined],
      [11, "typescript", [], "partial"],
      [14, "sh", [], undefined],
    ]);
  });

  it("rejects a skip without a reason", () => {
    expect(() => extractBlocks("<!-- doc-check: skip -->\n```ts\nx;\n```\n", "t.md")).toThrow(/bad doc-check directive/);
  });

  it("reports a type error at its Markdown line, and accepts a prelude's declarations", () => {
    const md = [
      "```ts",
      'import { McpcServer } from "mcpc";',
      "const n: number = new McpcServer({ name: 'a', version: '1' });",
      "```",
      "<!-- doc-check: prelude=client,connected -->",
      "```ts",
      'const handle = await client.callTool("t", {});',
      "const id: string = handle.taskId;",
      "```",
      "<!-- doc-check: prelude=nope -->",
      "```ts",
      "1;",
      "```",
    ].join("\n");
    const problems = typeCheckBlocks(extractBlocks(md, "t.md"), join(pkg, ".tmp", "harness"), preludes);
    expect(problems.map((p) => p.where).sort()).toEqual(["t.md:11", "t.md:3"]);
    expect(problems.find((p) => p.where === "t.md:3")?.message).toMatch(/not assignable to type 'number'/);
    expect(problems.find((p) => p.where === "t.md:11")?.message).toMatch(/unknown prelude "nope"/);
  });
});

describe("the docs", () => {
  const blocks = allBlocks();

  it("type-check: every ts block in README.md and docs/*.md", () => {
    const problems = typeCheckBlocks(blocks, join(pkg, ".tmp", "blocks"), preludes);
    expect(problems.map((p) => `${p.where}: ${p.message}`).join("\n")).toBe("");
  });

  it("check the README tour and most blocks (skips stay rare)", () => {
    const ts = blocks.filter((b) => CHECKED_LANGS.has(b.lang));
    const checked = ts.filter((b) => b.skip === undefined);
    const readme = checked.filter((b) => b.file === "README.md");
    expect(readme.some((b) => b.code.includes("class DataTools extends McpcServer"))).toBe(true);
    expect(readme.some((b) => b.code.includes("new McpcClient("))).toBe(true);
    expect(ts.length - checked.length).toBeLessThanOrEqual(Math.ceil(ts.length / 10));
    // Every doc page with TypeScript in it keeps at least one checked block.
    for (const file of new Set(ts.map((b) => b.file))) expect(checked.some((b) => b.file === file), file).toBe(true);
  });

  it("use only known languages on fences (so no TypeScript hides under another tag)", () => {
    const known = new Set([...CHECKED_LANGS, "sh", "bash", "json", "text", "", "http", "mermaid", "diff", "console", "jsonc", "python", "yaml"]);
    const unknown = blocks.filter((b) => !known.has(b.lang)).map((b) => `${b.file}:${b.line} ${b.lang}`);
    expect(unknown).toEqual([]);
  });
});
