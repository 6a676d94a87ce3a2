/**
 * Finds the TypeScript blocks in Markdown and type-checks them against the workspace's `mcpc`.
 *
 * A block may be preceded (blank lines allowed) by one directive:
 * - `<!-- doc-check: prelude=NAME -->`: `preludes/NAME.ts` is prepended (shared imports and
 *   declarations for fragments); several names may be joined with `,`; a prelude with a
 *   `// @doc-check-block` line wraps the block (e.g. `members` makes it a class body);
 * - `<!-- doc-check: skip (reason) -->`: not checked; the reason is mandatory.
 * Only ```ts and ```typescript blocks are checked; shell, JSON and output blocks are counted only.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import ts from "typescript";

export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** 1-based line of the block's first code line. */
  line: number;
  lang: string;
  code: string;
  preludes: string[];
  skip?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)[^\n]*$/;
const DIRECTIVE = /^<!--\s*doc-check:\s*(.*?)\s*-->$/;
export const CHECKED_LANGS = new Set(["ts", "typescript"]);

/** Every fenced block of a Markdown text, with the directive in front of it applied. */
export function extractBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const blocks: CodeBlock[] = [];
  let directive: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? "";
    const directiveMatch = DIRECTIVE.exec(text.trim());
    if (directiveMatch) {
      directive = directiveMatch[1];
      continue;
    }
    const fence = FENCE.exec(text);
    if (!fence) {
      if (text.trim() !== "") directive = undefined;
      continue;
    }
    const marker = fence[2] ?? "```";
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] ?? "").trim().startsWith(marker)) end++;
    const block: CodeBlock = { file, line: start + 1, lang: (fence[3] ?? "").toLowerCase(), code: lines.slice(start, end).join("\n"), preludes: [] };
    if (directive !== undefined) applyDirective(block, directive);
    blocks.push(block);
    directive = undefined;
    i = end;
  }
  return blocks;
}

function applyDirective(block: CodeBlock, directive: string): void {
  const skip = /^skip\s*\((.+)\)$/.exec(directive);
  if (skip) {
    block.skip = skip[1]?.trim();
    return;
  }
  const prelude = /^prelude=([\w,-]+)$/.exec(directive);
  if (prelude) {
    block.preludes = (prelude[1] ?? "").split(",").filter(Boolean);
    return;
  }
  throw new Error(`${block.file}:${block.line - 1}: bad doc-check directive "${directive}" (use "prelude=NAME" or "skip (reason)")`);
}

export interface BlockDiagnostic {
  /** `file.md:line`, pointing into the Markdown. */
  where: string;
  message: string;
}

/** Compiler options for doc blocks: the repository's strict settings, standard (TC39) decorators. */
export function blockCompilerOptions(): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    experimentalDecorators: false,
    skipLibCheck: true,
    noEmit: true,
  };
}

/**
 * Writes each checked block as a module into `workDir` (which must sit inside a package that
 * depends on `mcpc`, `zod` and the SDK, so imports resolve) and type-checks them all in one program.
 */
export function typeCheckBlocks(blocks: CodeBlock[], workDir: string, preludeDir: string): BlockDiagnostic[] {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const origins = new Map<string, { block: CodeBlock; offset: number }>();
  const problems: BlockDiagnostic[] = [];
  for (const block of blocks) {
    if (block.skip !== undefined || !CHECKED_LANGS.has(block.lang)) continue;
    let prelude = "";
    for (const name of block.preludes) {
      const path = join(preludeDir, `${name}.ts`);
      if (!existsSync(path)) {
        problems.push({ where: `${block.file}:${block.line - 1}`, message: `unknown prelude "${name}" (no ${path})` });
        continue;
      }
      prelude += readFileSync(path, "utf8").replace(/\n*$/, "\n");
    }
    // A prelude may wrap the block: its `// @doc-check-block` line is where the block goes.
    const [before = "", after = ""] = prelude.split(/^\/\/ @doc-check-block\n/m);
    const source = `${before}${block.code}\n${after}export {};\n`;
    const fileName = join(workDir, `${basename(block.file, ".md")}_${block.line}.ts`);
    writeFileSync(fileName, source);
    origins.set(fileName, { block, offset: before === "" ? 0 : before.split("\n").length - 1 });
  }
  const program = ts.createProgram([...origins.keys()], blockCompilerOptions());
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const origin = d.file ? origins.get(d.file.fileName) : undefined;
    if (!d.file || !origin) {
      problems.push({ where: d.file ? relative(workDir, d.file.fileName) : "(global)", message });
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    const where = line < origin.offset ? `${origin.block.file}:${origin.block.line - 1} (prelude ${origin.block.preludes.join(",")})` : `${origin.block.file}:${origin.block.line + line - origin.offset}`;
    problems.push({ where, message });
  }
  return problems;
}
