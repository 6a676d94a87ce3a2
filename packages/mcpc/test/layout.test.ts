/**
 * The layout rule `pnpm lint` enforces (scripts/check-imports.mjs): no import
 * cycle, and no two folders of src/ that import each other. Shown failing on
 * deliberate cycles in a throwaway package, then holding for this one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { cyclesOf, importGraph, twoWayRooms } from "../../../scripts/importGraph.mjs";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fakePackage(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mcpc-layout-"));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("the import rules", () => {
  it("finds a cycle made only of type imports", () => {
    const dir = fakePackage({
      "src/a/one.ts": 'import type { Two } from "../b/two.js";\nexport type One = Two | 1;\n',
      "src/b/two.ts": 'import type { One } from "../a/one.js";\nexport type Two = { one?: One };\n',
    });
    expect(cyclesOf(importGraph(dir))).toEqual([["src/a/one.ts", "src/b/two.ts"]]);
  });

  it("finds two folders that import each other without a module cycle", () => {
    const dir = fakePackage({
      "src/a/one.ts": 'import { two } from "../b/two.js";\nexport const one = two + 1;\n',
      "src/a/three.ts": "export const three = 3;\n",
      "src/b/two.ts": 'import { three } from "../a/three.js";\nexport const two = three - 1;\n',
    });
    const graph = importGraph(dir);
    expect(cyclesOf(graph)).toEqual([]);
    expect(twoWayRooms(graph)).toEqual([["a", "b"]]);
  });

  it("holds for mcpc itself", () => {
    const graph = importGraph(packageRoot);
    expect(graph.size).toBeGreaterThan(50);
    expect(cyclesOf(graph)).toEqual([]);
    expect(twoWayRooms(graph)).toEqual([]);
  });
});
