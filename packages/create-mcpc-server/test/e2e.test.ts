/**
 * The end-to-end check, as a new user runs it from a clone (mcpc and @mcpc/cli are not
 * on npm yet): for each template, the built scaffolder (`node packages/create-mcpc-server/dist/bin.js`,
 * no terminal) writes a project into a temp folder outside the checkout, packs this checkout's
 * mcpc and @mcpc/cli into the project's `vendor/`, and installs it with a real `npm install`
 * (zod, the SDK, tsx, TypeScript and vitest from the registry, preferring npm's cache). Then the
 * project's own `npm test`, `mcpc call` of its background tool through its
 * `node_modules/.bin/mcpc`, a plain SDK Client, and `mcpc serve` of its source.
 */
import { execFile, spawn } from "node:child_process";
import { access, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
const mcpcVersion = (JSON.parse(await readFile(join(repoRoot, "packages/mcpc/package.json"), "utf8")) as { version: string }).version;

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
let client: Client | undefined;

beforeAll(async () => {
  // turbo builds this package, mcpc and @mcpc/cli (its dev dependencies) before its tests.
  for (const built of [bin, join(repoRoot, "packages/mcpc/dist/index.js"), join(repoRoot, "packages/cli/dist/main.js")]) await access(built);
  root = await mkdtemp(join(tmpdir(), "create-mcpc-e2e-"));
});

afterEach(async () => {
  await client?.close();
  client = undefined;
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** Scaffolds `template` as a user would from the clone (install included), then runs the project's own tests. */
async function prepare(template: string): Promise<string> {
  const dir = join(root, template);
  // --pm npm: under `pnpm test` the user agent says pnpm, which a fresh machine may not have on its PATH.
  const created = await sh(process.execPath, [bin, `e2e-${template}`, "--template", template, "--pm", "npm", "--dir", dir], root, 180_000, { npm_config_prefer_offline: "true" });
  expect(created).toContain(`Packing mcpc and @mcpc/cli from the checkout ${repoRoot}`);
  expect((await readdir(join(dir, "vendor"))).sort()).toEqual([`mcpc-${mcpcVersion}.tgz`, `mcpc-cli-${mcpcVersion}.tgz`]);
  const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  expect(pkg.dependencies.mcpc).toBe(`file:vendor/mcpc-${mcpcVersion}.tgz`);
  expect(pkg.devDependencies["@mcpc/cli"]).toBe(`file:vendor/mcpc-cli-${mcpcVersion}.tgz`);

  // One mcpc, from the tarball: none from the registry, and @mcpc/cli has no copy of its own.
  const lock = JSON.parse(await readFile(join(dir, "package-lock.json"), "utf8")) as { packages: Record<string, { resolved?: string }> };
  const mcpcs = Object.entries(lock.packages).filter(([path]) => /(^|\/)node_modules\/mcpc$/.test(path));
  expect(mcpcs).toEqual([["node_modules/mcpc", expect.objectContaining({ resolved: `file:vendor/mcpc-${mcpcVersion}.tgz` })]]);
  expect(lock.packages["node_modules/@mcpc/cli"]?.resolved).toBe(`file:vendor/mcpc-cli-${mcpcVersion}.tgz`);

  const tests = await sh("npm", ["test"], dir);
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

describe("a project scaffolded from the checkout, installed with npm from its vendor/ tarballs", () => {
  it("basic: installs, passes its own tests, and its process_items answers mcpc call and the SDK Client with the result", async () => {
    const dir = await prepare("basic");
    const { sdk } = await connect(dir);
    // arrayContaining: mcpc may add tools of its own (job-handle tools) beside the project's.
    expect((await sdk.listTools()).tools.map((t) => t.name)).toEqual(expect.arrayContaining(["add", "process_items"]));
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

  it("monitor: installs, passes its own tests, and its watch_file runs for mcpc call and the SDK Client until stopped", async () => {
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
