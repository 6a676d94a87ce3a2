import ts from "typescript";
import type { Plugin } from "vitest/config";
import { defineConfig } from "vitest/config";

/**
 * Vite 8 transforms TypeScript with Oxc, which lowers only experimentalDecorators
 * and leaves standard (TC39) decorators as syntax Node cannot run. Users write
 * standard decorators, so test and source files that use `@` decorators are
 * compiled by TypeScript itself first; Oxc then only sees plain JavaScript.
 */
function standardDecorators(): Plugin {
  return {
    name: "mcpc:standard-decorators",
    enforce: "pre",
    transform(code, id) {
      if (!/\.m?ts$/.test(id) || id.includes("/node_modules/") || !/^\s*@[A-Za-z_$]/m.test(code)) return null;
      const { outputText, sourceMapText } = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          verbatimModuleSyntax: true,
          sourceMap: true,
          inlineSources: true,
        },
      });
      return { code: outputText.replace(/\/\/# sourceMappingURL=.*$/m, ""), map: sourceMapText ?? null };
    },
  };
}

export default defineConfig({
  plugins: [standardDecorators()],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn real processes: two cores, so keep files from crowding each other.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
