// `pnpm lint` runs this after eslint: it fails on any import cycle in a
// package (value and type imports alike), and on two folders of
// packages/mcpc/src that import each other.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cyclesOf, importGraph, twoWayRooms } from "./importGraph.mjs";

const root = join(import.meta.dirname, "..");
const packages = [
  { dir: "packages/mcpc", rooms: true },
  { dir: "packages/cli", rooms: false },
  { dir: "packages/create-mcpc-server", rooms: false },
  { dir: "packages/redis", rooms: false },
];
let failed = false;
for (const { dir, rooms } of packages) {
  if (!existsSync(join(root, dir, "src"))) continue;
  const graph = importGraph(join(root, dir));
  const cycles = cyclesOf(graph);
  const twoWay = rooms ? twoWayRooms(graph) : [];
  for (const cycle of cycles) console.error(`${dir}: import cycle among ${cycle.join(", ")}`);
  for (const [a, b] of twoWay) console.error(`${dir}: folders src/${a} and src/${b} import each other; one of them must depend on an interface of its own instead`);
  failed ||= cycles.length > 0 || twoWay.length > 0;
  console.log(`imports ${dir}: ${graph.size} modules, ${cycles.length} cycles${rooms ? `, ${twoWay.length} folder pairs importing each other` : ""}`);
}
process.exit(failed ? 1 : 0);
