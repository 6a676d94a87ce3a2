import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { McpcServer, SERVE_RUNNER_KEY, type ServeRunner } from "mcpc";

/** The parts of a server `mcpc serve` uses; structural, because the file may load its own copy of `mcpc`. */
export interface LoadedServer {
  serve(options?: object): Promise<{ closed: Promise<void> }>;
  close(): Promise<void>;
  readonly runtime: { readonly registry: { readonly liveCount: number } };
}

/**
 * Imports a server file (TypeScript through tsx, each call in a fresh module
 * namespace so a reload sees the new code) and finds what to serve, in this order:
 * 1. the instance the file passed to its own `serve()` call (the runner owns serving: see docs/cli.md);
 * 2. an exported server instance (the default export first, then named exports);
 * 3. an exported subclass of `McpcServer` (default first), constructed with the
 *    `name` and `version` of the file's nearest package.json (else the class name and "0.0.0").
 *
 * While the file loads, `process.argv` is `[node, file]` (a file that parses its own
 * flags sees none of the runner's), and `handle` is what the file's `serve()` resolves with.
 */
export async function loadServer(file: string, handle: () => { closed: Promise<void> }): Promise<LoadedServer> {
  const path = resolve(file);
  let adopted: LoadedServer | undefined;
  const runner: ServeRunner = {
    adopt: (server) => {
      adopted ??= server as LoadedServer;
      return Promise.resolve(handle());
    },
  };
  const globals = globalThis as Record<symbol, unknown>;
  const argv = process.argv;
  globals[SERVE_RUNNER_KEY] = runner;
  process.argv = [argv[0] ?? process.execPath, path];
  let module: Record<string, unknown>;
  try {
    module = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  } finally {
    process.argv = argv;
  }
  if (adopted) return adopted;
  const exports = ["default", ...Object.keys(module).filter((name) => name !== "default")].map((name) => module[name]);
  const instance = exports.find(isServerInstance);
  if (instance) return instance;
  const serverClass = exports.find(isServerClass);
  if (serverClass) return new serverClass(await serverIdentity(path, serverClass.name));
  throw new Error(`${file} exports no MCPC server: export a class that extends McpcServer, or an instance of one (or call serve() on one).`);
}

/**
 * Serves `server` with the runner's options, bypassing the runner hook
 * (`serve()` reads it synchronously, before its first await).
 */
export function serveDirectly(server: LoadedServer, options: object): Promise<{ closed: Promise<void> }> {
  const globals = globalThis as Record<symbol, unknown>;
  const runner = globals[SERVE_RUNNER_KEY];
  delete globals[SERVE_RUNNER_KEY];
  try {
    return server.serve(options);
  } finally {
    if (runner !== undefined) globals[SERVE_RUNNER_KEY] = runner;
  }
}

function looksLikeServer(value: object): boolean {
  const candidate = value as Partial<Record<"serve" | "connect" | "emit", unknown>>;
  return typeof candidate.serve === "function" && typeof candidate.connect === "function" && typeof candidate.emit === "function";
}

function isServerInstance(value: unknown): value is LoadedServer {
  if (typeof value !== "object" || value === null) return false;
  return value instanceof McpcServer || looksLikeServer(value);
}

function isServerClass(value: unknown): value is new (options: { name: string; version: string }) => LoadedServer {
  if (typeof value !== "function" || value === McpcServer || typeof value.prototype !== "object" || value.prototype === null) return false;
  const prototype = value.prototype as object;
  // A copy of mcpc the file loaded itself has its own McpcServer: recognise it by shape, and not the base class itself.
  return prototype instanceof McpcServer || (looksLikeServer(prototype) && Object.getPrototypeOf(prototype) !== Object.prototype);
}

async function serverIdentity(file: string, className: string): Promise<{ name: string; version: string }> {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const text = await readFile(join(dir, "package.json"), "utf8").catch(() => undefined);
    if (text !== undefined) {
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (typeof pkg.name === "string") return { name: pkg.name, version: typeof pkg.version === "string" ? pkg.version : "0.0.0" };
    }
    if (dirname(dir) === dir) return { name: className || "mcpc-server", version: "0.0.0" };
  }
}
