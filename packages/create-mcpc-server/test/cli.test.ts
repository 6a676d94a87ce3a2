import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI_VERSION, MCPC_VERSION, main, type Checkout, type ShellIo } from "../src/index.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");

let cwd = "";
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "create-mcpc-cli-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** Stands in for `pnpm pack`: writes two small files named like its tarballs, and records each call. */
let packed: Array<{ root: string; destination: string }> = [];
async function fakePack(checkout: Checkout, destination: string) {
  packed.push({ root: checkout.root, destination });
  await mkdir(destination, { recursive: true });
  await writeFile(join(destination, "mcpc-9.9.9.tgz"), "");
  await writeFile(join(destination, "mcpc-cli-9.9.9.tgz"), "");
  return { mcpc: "mcpc-9.9.9.tgz", cli: "mcpc-cli-9.9.9.tgz" };
}

/** Runs the command in-process without a terminal; collects what it prints. Run from this repository, so from a checkout. */
async function run(args: string[], extra: Partial<ShellIo> = {}) {
  let stdout = "";
  let stderr = "";
  packed = [];
  const code = await main(args, {
    cwd,
    env: {},
    interactive: false,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    pack: fakePack,
    ...extra,
  });
  return { code, stdout, stderr };
}

const dependenciesOf = async (dir: string) => {
  const pkg = JSON.parse(await readFile(join(cwd, dir, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; overrides?: object };
  return { mcpc: pkg.dependencies.mcpc, cli: pkg.devDependencies["@mcpc/cli"], overrides: pkg.overrides };
};

describe("the create-mcpc-server command", () => {
  it("--help prints the usage with every flag, exit 0", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    for (const flag of ["--template", "--pm", "--no-install", "--yes", "--force", "--dir", "--checkout", "--registry"]) expect(stdout).toContain(flag);
  });

  it("writes the project non-interactively with --no-install and prints the next steps", async () => {
    const { code, stdout } = await run(["my-server", "--template", "monitor", "--no-install"]);
    expect(code).toBe(0);
    expect((await readdir(join(cwd, "my-server"))).sort()).toEqual([".gitignore", "README.md", "package.json", "src", "test", "tsconfig.build.json", "tsconfig.json", "vendor", "vitest.config.ts"]);
    expect(await readFile(join(cwd, "my-server/src/tools.ts"), "utf8")).toContain("watchFile");
    expect(stdout).toContain("cd my-server");
    expect(stdout).toContain("npm install");
  });

  it("installs with the package manager that ran it (pnpm from npm_config_user_agent) unless --pm says otherwise", async () => {
    const installs: string[] = [];
    const install = async (pm: string, dir: string) => void installs.push(`${pm} ${dir}`);
    expect((await run(["a"], { env: { npm_config_user_agent: "pnpm/10.34.9 npm/? node/v20" }, install })).code).toBe(0);
    expect((await run(["b", "--pm", "npm"], { env: { npm_config_user_agent: "pnpm/10.34.9" }, install })).code).toBe(0);
    expect(installs).toEqual([`pnpm ${join(cwd, "a")}`, `npm ${join(cwd, "b")}`]);
  });

  it("exits 1 and still prints the next steps when the install fails", async () => {
    const { code, stderr, stdout } = await run(["a"], { install: () => Promise.reject(new Error("no network")) });
    expect(code).toBe(1);
    expect(stderr).toContain("no network");
    expect(stdout).toContain("npm install");
  });

  it("refuses a non-empty folder with exit 2, writing nothing, and writes into it with --force", async () => {
    await mkdir(join(cwd, "taken"));
    await writeFile(join(cwd, "taken/keep.txt"), "mine");
    const refused = await run(["taken", "--no-install"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/taken is not empty.*--force/);
    expect(await readdir(join(cwd, "taken"))).toEqual(["keep.txt"]);

    const forced = await run(["taken", "--no-install", "--force"]);
    expect(forced.code).toBe(0);
    expect(await readdir(join(cwd, "taken"))).toContain("package.json");
    expect(await readFile(join(cwd, "taken/keep.txt"), "utf8")).toBe("mine");
  });

  it("refuses a bad name with a message naming npm's rule, exit 2", async () => {
    const { code, stderr } = await run(["My Server", "--no-install"]);
    expect(code).toBe(2);
    expect(stderr).toContain('"My Server" is not a valid npm package name');
    expect(stderr).toContain("capital letters");
    expect(await readdir(cwd)).toEqual([]);
  });

  it.each([[["x", "--bogus"]], [["x", "-q"]], [["x", "--template", "fancy"]], [["x", "y"]], [[]]])("exits 2 on the usage mistake %j", async (args) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toContain("--help");
  });

  it("run from a checkout, packs its mcpc and @mcpc/cli into vendor/ and depends on them by file: path", async () => {
    const { code, stderr } = await run(["my-server", "--no-install"]);
    expect(code).toBe(0);
    expect(packed).toEqual([{ root: repoRoot, destination: join(cwd, "my-server/vendor") }]);
    expect(stderr).toContain(`from the checkout ${repoRoot}`);
    expect(await dependenciesOf("my-server")).toEqual({ mcpc: "file:vendor/mcpc-9.9.9.tgz", cli: "file:vendor/mcpc-cli-9.9.9.tgz", overrides: { mcpc: "$mcpc" } });
    expect((await readdir(join(cwd, "my-server/vendor"))).sort()).toEqual(["mcpc-9.9.9.tgz", "mcpc-cli-9.9.9.tgz"]);
  });

  it("--registry takes mcpc and @mcpc/cli from npm even from a checkout, and packs nothing", async () => {
    expect((await run(["my-server", "--no-install", "--registry"])).code).toBe(0);
    expect(packed).toEqual([]);
    expect(await dependenciesOf("my-server")).toEqual({ mcpc: `^${MCPC_VERSION}`, cli: `^${CLI_VERSION}`, overrides: undefined });
    expect(await readdir(join(cwd, "my-server"))).not.toContain("vendor");
  });

  it("run from an install outside a checkout (npm create), takes them from npm", async () => {
    expect((await run(["my-server", "--no-install"], { scaffolderDir: join(cwd, "node_modules/create-mcpc-server") })).code).toBe(0);
    expect(packed).toEqual([]);
    expect((await dependenciesOf("my-server")).mcpc).toBe(`^${MCPC_VERSION}`);
  });

  it("--checkout <path> packs that checkout, wherever the scaffolder runs from", async () => {
    const elsewhere = { scaffolderDir: join(cwd, "node_modules/create-mcpc-server") };
    expect((await run(["my-server", "--no-install", "--checkout", repoRoot], elsewhere)).code).toBe(0);
    expect(packed).toEqual([{ root: repoRoot, destination: join(cwd, "my-server/vendor") }]);
  });

  it.each([
    [["x", "--checkout", "."], "is not a checkout of the mcpc repository"],
    [["x", "--checkout", "/", "--registry"], "--checkout and --registry exclude each other"],
  ])("exits 2 on %j, writing nothing", async (args, message) => {
    const { code, stderr } = await run([...args, "--no-install"]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(await readdir(cwd)).toEqual([]);
  });

  it("exits 1, naming the build command, when the checkout is not built", async () => {
    const checkout = join(cwd, "checkout");
    await mkdir(join(checkout, "packages/mcpc"), { recursive: true });
    await mkdir(join(checkout, "packages/cli"), { recursive: true });
    await writeFile(join(checkout, "pnpm-workspace.yaml"), "packages: [packages/*]\n");
    await writeFile(join(checkout, "packages/mcpc/package.json"), '{ "name": "mcpc" }');
    await writeFile(join(checkout, "packages/cli/package.json"), '{ "name": "@mcpc/cli" }');
    const { code, stderr } = await run(["x", "--no-install", "--checkout", checkout], { pack: undefined });
    expect(code).toBe(1);
    expect(stderr).toMatch(/mcpc in .*checkout is not built \(no packages\/mcpc\/dist\/index\.js\); build it first: .*turbo run build --filter=create-mcpc-server\.\.\./);
  });

  it("takes my-mcpc-server and basic with --yes and no name", async () => {
    expect((await run(["--yes", "--no-install"])).code).toBe(0);
    expect(await readFile(join(cwd, "my-mcpc-server/package.json"), "utf8")).toContain('"name": "my-mcpc-server"');
  });

  it("the built bin sets its exit code: 2 for an unknown flag", async () => {
    const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
    const error = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, "x", "--nope"], { cwd, timeout: 10_000 }, (err, _stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr })),
    );
    expect(error).toEqual({ code: 2, stderr: expect.stringContaining("unknown option --nope") });
  });
});
