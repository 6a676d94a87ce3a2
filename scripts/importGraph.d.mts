/** Each module's imports within a package (paths relative to the package). */
export function importGraph(packageDir: string): Map<string, Set<string>>;
/** The import cycles of a graph: each strongly connected set of modules. */
export function cyclesOf(graph: Map<string, Set<string>>): string[][];
/** Pairs of `src/` folders that import each other (`src/index.ts` left out). */
export function twoWayRooms(graph: Map<string, Set<string>>): Array<[string, string]>;
