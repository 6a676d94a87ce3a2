/**
 * Why this package exists: a production install of `mcpc` carries no CLI dependency.
 * Packs packages/mcpc as npm would publish it, installs the tarball into an empty
 * project outside the workspace (zod, the SDK and reflect-metadata come from the
 * registry), and checks what landed in its node_modules and that the package loads.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const mcpcPackage = fileURLToPath(new URL("../../mcpc/", import.meta.url));
/** What only the `mcpc` command needs (esbuild is tsx's compiler, with a native binary per platform). */
const CLI_ONLY = ["tsx", "citty", "cli-progress", "esbuild"];

const children = new Set<ChildProcess>();

/** Runs a command to its end, killed after `timeout` ms; rejects with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string, timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { cwd, timeout, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      children.delete(child);
      if (error) reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
    children.add(child);
  });
}

/** Every package installed under `nodeModules`, nested ones included (`@scope/name` for scoped ones). */
async function installedPackages(nodeModules: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(nodeModules, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const names = entry.name.startsWith("@")
      ? (await readdir(join(nodeModules, entry.name), { withFileTypes: true })).filter((inner) => inner.isDirectory()).map((inner) => `${entry.name}/${inner.name}`)
      : [entry.name];
    for (const name of names) {
      found.push(name);
      found.push(...(await installedPackages(join(nodeModules, name, "node_modules"))));
    }
  }
  return found;
}

let project = "";

beforeAll(async () => {
  // turbo builds mcpc before this package's tests; a tarball without dist/ would prove nothing.
  expect(existsSync(join(mcpcPackage, "dist/index.js")), `build mcpc first: ${mcpcPackage}dist/index.js`).toBe(true);
  project = await mkdtemp(join(tmpdir(), "mcpc-install-"));
  const packed = JSON.parse(await run("npm", ["pack", mcpcPackage, "--pack-destination", project, "--json", "--silent"], project, 60_000)) as { filename: string }[];
  const tarball = packed[0]?.filename;
  if (!tarball) throw new Error("npm pack reported no tarball");
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "mcpc-install-probe", private: true, type: "module", dependencies: { mcpc: `file:./${tarball}` } }, null, 2));
  await run("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], project, 240_000);
}, 320_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  if (project) await rm(project, { recursive: true, force: true });
});

describe("npm install of the packed mcpc tarball into an empty project", () => {
  it("pulls in no dependency of the mcpc command (tsx, citty, cli-progress, esbuild)", async () => {
    const installed = await installedPackages(join(project, "node_modules"));
    expect(installed).toContain("mcpc");
    expect(installed).toContain("@modelcontextprotocol/sdk");
    const cliOnly = installed.filter((name) => CLI_ONLY.includes(name) || name.startsWith("@esbuild/"));
    expect(cliOnly).toEqual([]);
  });

  it("installs no `mcpc` bin: the command comes from @mcpc/cli", async () => {
    const manifest = JSON.parse(await readFile(join(project, "node_modules/mcpc/package.json"), "utf8")) as { bin?: unknown };
    expect(manifest.bin).toBeUndefined();
    expect(existsSync(join(project, "node_modules/.bin/mcpc"))).toBe(false);
  });

  it("loads every public entry point there: mcpc, mcpc/client, mcpc/http, mcpc/helper, mcpc/engine", async () => {
    const probe = `
      const root = await import("mcpc");
      const client = await import("mcpc/client");
      const http = await import("mcpc/http");
      const helper = await import("mcpc/helper");
      const engine = await import("mcpc/engine");
      console.log(JSON.stringify([typeof root.McpcServer, typeof root.Tool, typeof client.McpcClient, typeof http.serveHttp, Object.keys(helper).length > 0, typeof engine.TaskRegistry, typeof engine.MemoryTaskStore]));
    `;
    const out = await run(process.execPath, ["--input-type=module", "-e", probe], project, 30_000);
    expect(JSON.parse(out)).toEqual(["function", "function", "function", "function", true, "function", "function"]);
  });
});
