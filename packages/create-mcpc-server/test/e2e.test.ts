/**
 * The end-to-end check: for each template, scaffold a project into a temp folder
 * without a terminal, install it against the workspace's mcpc and @mcpc/cli (tarballs packed
 * from packages/mcpc and packages/cli, never the registry's), build it, run its own tests, start it
 * and call its background tool with the SDK Client and with `mcpc call`, and serve its source with
 * `mcpc serve`. zod, the SDK, tsx, tsc and vitest come from the registry through pnpm's store
 * (`--prefer-offline`), so a warm run takes seconds.
 */
import { execFile, spawn } from "node:child_process";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const mcpcPackage = fileURLToPath(new URL("../../mcpc/", import.meta.url));
const cliPackage = fileURLToPath(new URL("../../cli/", import.meta.url));
const PNPM = ["--yes", "pnpm@10.34.9"];

/** Runs a command to its end (bounded); rejects with its output when it fails. */
function sh(command: string, args: string[], cwd: string, timeout = 120_000, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout, env: { ...process.env, CI: "true", NO_COLOR: "1", ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

let root = "";
let tarball = "";
let cliTarball = "";
let client: Client | undefined;

beforeAll(async () => {
  // turbo builds mcpc and @mcpc/cli before this package's tests (both are its dev dependencies).
  await access(join(mcpcPackage, "dist/index.js"));
  await access(join(cliPackage, "dist/main.js"));
  root = await mkdtemp(join(tmpdir(), "create-mcpc-e2e-"));
  const packed = await sh("npm", ["pack", mcpcPackage, "--pack-destination", root, "--silent"], root);
  const name = packed.trim().split("\n").filter((line) => line.endsWith(".tgz")).pop();
  if (!name) throw new Error(`npm pack printed no tarball name: ${packed}`);
  tarball = join(root, name);
  // pnpm pack, as publishing would: it turns @mcpc/cli's `mcpc: workspace:*` into the version number.
  const cliPacked = (await sh("npx", [...PNPM, "pack", "--pack-destination", root, "--json"], cliPackage)).match(/\{[\s\S]*\}/)?.[0];
  if (!cliPacked) throw new Error("pnpm pack printed no JSON for @mcpc/cli");
  cliTarball = (JSON.parse(cliPacked) as { filename: string }).filename;
}, 120_000);

afterEach(async () => {
  await client?.close();
  client = undefined;
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Scaffolds `template` without a terminal, points mcpc and @mcpc/cli at the tarballs, installs, builds and runs its tests. */
async function prepare(template: string): Promise<string> {
  const dir = join(root, template);
  await sh(process.execPath, [bin, `e2e-${template}`, "--template", template, "--pm", "pnpm", "--no-install", "--dir", dir], root);
  const pkgPath = join(dir, "package.json");
  const pkg = JSON.parse(await readFile(pkgPath, "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; pnpm?: object };
  expect(pkg.dependencies.mcpc).toMatch(/^\^\d+\.\d+\.\d+$/);
  expect(pkg.devDependencies["@mcpc/cli"]).toMatch(/^\^\d+\.\d+\.\d+$/);
  pkg.dependencies.mcpc = `file:${tarball}`;
  pkg.devDependencies["@mcpc/cli"] = `file:${cliTarball}`;
  // @mcpc/cli's own `mcpc` dependency is a version number: the override sends it to the tarball too.
  pkg.pnpm = { overrides: { mcpc: `file:${tarball}` } };
  await writeFile(pkgPath, JSON.stringify(pkg, null, 2));

  await sh("npx", [...PNPM, "install", "--prefer-offline", "--config.confirmModulesPurge=false"], dir);
  // The lockfile shows mcpc and @mcpc/cli came from the tarballs, not from the registry.
  const lockfile = await readFile(join(dir, "pnpm-lock.yaml"), "utf8");
  expect(lockfile).toMatch(/\bmcpc@file:/);
  expect(lockfile).toMatch(/@mcpc\/cli@file:/);
  expect(lockfile).not.toMatch(/(^|[\s'"/])mcpc@\d/m);
  await sh("npx", [...PNPM, "run", "build"], dir);
  const tests = await sh("npx", [...PNPM, "test"], dir);
  expect(tests).toMatch(/Tests\s+2 passed \(2\)/);
  return dir;
}

/** Starts the built server over stdio with a plain SDK Client; `stderr()` is what the server logged so far. */
async function connect(dir: string): Promise<{ sdk: Client; stderr: () => string }> {
  client = new Client({ name: "e2e-plain-client", version: "1.0.0" });
  const transport = new StdioClientTransport({ command: process.execPath, args: [join(dir, "dist/server.js")], cwd: dir, env: { ...process.env, STEP_MS: "10" } as Record<string, string>, stderr: "pipe" });
  let logged = "";
  transport.stderr?.on("data", (chunk: Buffer) => (logged += chunk.toString()));
  await client.connect(transport);
  return { sdk: client, stderr: () => logged };
}

describe("a scaffolded project, installed against the workspace's mcpc", () => {
  it("basic: installs, builds, passes its tests, and its process_items answers the SDK Client with the result", async () => {
    const dir = await prepare("basic");
    const { sdk } = await connect(dir);
    expect((await sdk.listTools()).tools.map((t) => t.name).sort()).toEqual(["add", "process_items"]);
    const progress: number[] = [];
    const result = await sdk.callTool({ name: "process_items", arguments: { items: ["one", "two"] } }, undefined, { onprogress: (p) => progress.push(p.progress) });
    expect(result.structuredContent).toEqual({ processed: ["ONE", "TWO"], count: 2 });
    expect(progress).toEqual([0, 1, 2]);

    // And with the `mcpc call` terminal client, from the @mcpc/cli the project installed (no terminal: plain lines).
    const called = await sh(join(dir, "node_modules/.bin/mcpc"), ["call", "node dist/server.js", "process_items", "--json", '{"items":["x","y"]}'], dir, 30_000, { STEP_MS: "10" });
    expect(called).toMatch(/\] complete \{"processed":\["X","Y"\],"count":2\}/);

    // And the source itself, unbuilt, under `mcpc serve` (TypeScript through the tsx @mcpc/cli brought), called by `mcpc call`.
    const mcpc = join(dir, "node_modules/.bin/mcpc");
    const served = await sh(mcpc, ["call", `${mcpc} serve src/server.ts`, "add", "--json", '{"a":2,"b":3}'], dir, 60_000);
    expect(served).toMatch(/^5$/m);
  }, 240_000);

  it("monitor: installs, builds, passes its tests, and its watch_file runs for the SDK Client until the call is cancelled", async () => {
    const dir = await prepare("monitor");
    const { sdk, stderr } = await connect(dir);
    const aborter = new AbortController();
    const progress: number[] = [];
    const call = sdk.callTool({ name: "watch_file", arguments: { path: join(dir, "package.json"), intervalMs: 10 } }, undefined, {
      signal: aborter.signal,
      onprogress: (p) => {
        progress.push(p.progress);
        if (progress.length === 3) aborter.abort(new Error("seen enough"));
      },
    });
    await expect(call).rejects.toThrow("seen enough");
    expect(progress).toHaveLength(3);
    // The server stopped the watcher (its finally block logs), and still answers.
    await expect.poll(stderr, { timeout: 10_000 }).toMatch(/stopped watching .*package\.json/);
    const info = await sdk.callTool({ name: "file_info", arguments: { path: join(dir, "package.json") } });
    expect(info.structuredContent).toMatchObject({ exists: true });

    // And with `mcpc call`: it streams the watcher's events until Ctrl-C (SIGINT), which stops the task on the server.
    const watcher = spawn(join(dir, "node_modules/.bin/mcpc"), ["call", "node dist/server.js", "watch_file", "--arg", `path=${join(dir, "package.json")}`, "--arg", "intervalMs=10"], {
      cwd: dir,
      env: { ...process.env, STEP_MS: "10" },
    });
    let output = "";
    watcher.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    watcher.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => watcher.once("exit", (code) => resolve(code)));
    try {
      await expect.poll(() => output, { timeout: 20_000 }).toMatch(/Watching .*package\.json/);
      watcher.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(output).toMatch(/stopped/);
      await expect.poll(() => output, { timeout: 10_000 }).toMatch(/stopped watching .*package\.json/);
    } finally {
      if (watcher.exitCode === null) watcher.kill("SIGKILL");
    }
  }, 240_000);
});
