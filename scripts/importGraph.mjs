// The import graph of a workspace package, and the two rules its layout keeps:
// no import cycle between modules, and no two folders of `packages/mcpc/src`
// that import each other (see docs/architecture.md).
//
// Imports are read with TypeScript's own `preProcessFile` (value, type-only and
// dynamic imports and re-exports alike), the parser the code is compiled with.
// dpdm was tried first: its published CommonJS build needs `tslib` without
// pnpm linking it, so it cannot load in this workspace.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** Every `.ts` file under `dir`. */
function sources(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}

/** The module a relative specifier names (`./x.js` is `./x.ts` in source), or undefined for a package. */
function resolveSpecifier(from, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Each module's imports within the package: `Map<file, Set<file>>`, paths relative to `packageDir`. */
export function importGraph(packageDir) {
  const graph = new Map();
  for (const file of sources(join(packageDir, "src"))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = new Set();
    for (const { fileName } of importedFiles) {
      const target = resolveSpecifier(file, fileName);
      if (target) targets.add(relative(packageDir, target));
    }
    graph.set(relative(packageDir, file), targets);
  }
  return graph;
}

/** The import cycles of a graph: each strongly connected set of two or more modules (or one that imports itself). */
export function cyclesOf(graph) {
  // Tarjan's algorithm, iteratively enough for a few hundred modules.
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (node) => {
    indexOf.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), indexOf.get(next)));
    }
    if (low.get(node) !== indexOf.get(node)) return;
    const members = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      members.push(member);
    } while (member !== node);
    if (members.length > 1 || graph.get(node)?.has(node)) cycles.push(members.sort());
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return cycles;
}

/** The room of a module: its first folder under `src/`; a file at the top is its own room. */
function roomOf(file) {
  const parts = file.split(sep);
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.ts$/, "");
}

/** Pairs of rooms that import each other. `src/index.ts` (the public contract, which imports every room) is left out. */
export function twoWayRooms(graph) {
  const edges = new Map();
  for (const [file, targets] of graph) {
    if (file === join("src", "index.ts")) continue;
    const from = roomOf(file);
    for (const target of targets) {
      const to = roomOf(target);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from).add(to);
    }
  }
  const pairs = [];
  for (const [from, tos] of edges) for (const to of tos) if (from < to && edges.get(to)?.has(from)) pairs.push([from, to]);
  return pairs;
}
