/**
 * A checkout of the mcpc repository as the source of a generated project's mcpc and
 * @mcpc/cli: finding one, and packing its two packages into the project's `vendor/`.
 */
import { execFile } from "node:child_process";
import { access, mkdir, readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** This scaffolder's package folder (the parent of `dist/`, or of `src/` under tests). */
export const SCAFFOLDER_DIR = fileURLToPath(new URL("../", import.meta.url));

/** A checkout of the mcpc repository. */
export interface Checkout {
  /** Its root folder (the one with `pnpm-workspace.yaml`). */
  root: string;
  /** The pnpm that packs it, as its `packageManager` field pins it (`pnpm@10.34.9`). */
  pnpm: string;
}

/** The tarballs packed from a checkout: their file names in the destination folder. */
export interface PackedTarballs {
  mcpc: string;
  cli: string;
}

/** The workspace folders packed into a project, with the name each must carry and the file that shows it is built. */
const PACKAGES = [
  { dir: "packages/mcpc", name: "mcpc", built: "dist/index.js" },
  { dir: "packages/cli", name: "@mcpc/cli", built: "dist/main.js" },
] as const;

/** Without a `packageManager` field, a pnpm that knows `workspace:` and `pack --json`. */
const FALLBACK_PNPM = "pnpm@10";

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined; // missing or not JSON: not the file we look for
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Reads `root` as a checkout of the mcpc repository: a pnpm workspace whose
 * `packages/mcpc` and `packages/cli` are the `mcpc` and `@mcpc/cli` packages.
 * Anything else (a folder of a published install, say) answers `undefined`.
 *
 * @example
 * const checkout = await readCheckout("/home/me/mcpc"); // { root: "/home/me/mcpc", pnpm: "pnpm@10.34.9" }
 */
export async function readCheckout(root: string): Promise<Checkout | undefined> {
  if (!(await exists(join(root, "pnpm-workspace.yaml")))) return undefined;
  for (const pkg of PACKAGES) {
    if ((await readJson(join(root, pkg.dir, "package.json")))?.name !== pkg.name) return undefined;
  }
  const packageManager = (await readJson(join(root, "package.json")))?.packageManager;
  const pnpm = typeof packageManager === "string" && packageManager.startsWith("pnpm@") ? packageManager.split("+")[0] : undefined;
  return { root: resolve(root), pnpm: pnpm ?? FALLBACK_PNPM };
}

/**
 * The checkout this scaffolder runs from, if it does: true when its package folder is
 * `packages/create-mcpc-server` of one. A copy installed from the registry lives in some
 * `node_modules/`, never there, so it answers `undefined`.
 *
 * @example
 * const checkout = await findCheckout(); // from a clone: its root; from `npm create`: undefined
 */
export function findCheckout(scaffolderDir: string = SCAFFOLDER_DIR): Promise<Checkout | undefined> {
  return readCheckout(resolve(scaffolderDir, "../.."));
}

/**
 * Packs the checkout's `mcpc` and `@mcpc/cli` into `destination` (created if missing) with
 * `pnpm pack`, as publishing would: it turns @mcpc/cli's `mcpc: workspace:*` into the
 * version number, which npm could not install. Packs what is built: it throws, naming
 * the build command, when a package has no `dist/`.
 *
 * @example
 * const { mcpc, cli } = await packCheckout(checkout, "my-server/vendor"); // "mcpc-0.1.0.tgz", "mcpc-cli-0.1.0.tgz"
 */
export async function packCheckout(checkout: Checkout, destination: string): Promise<PackedTarballs> {
  for (const pkg of PACKAGES) {
    if (!(await exists(join(checkout.root, pkg.dir, pkg.built)))) {
      throw new Error(
        `${pkg.name} in ${checkout.root} is not built (no ${pkg.dir}/${pkg.built}); build it first: ` +
          `npx --yes ${checkout.pnpm} install && npx --yes ${checkout.pnpm} exec turbo run build --filter=create-mcpc-server...`,
      );
    }
  }
  await mkdir(destination, { recursive: true });
  const filters = PACKAGES.flatMap((pkg) => ["--filter", pkg.name]);
  const output = await run("npx", ["--yes", checkout.pnpm, ...filters, "pack", "--pack-destination", resolve(destination), "--json"], checkout.root);
  return tarballsOf(output);
}

/** The file names in `pnpm pack --json`'s answer: an array for several packages (an object for one, in case). */
function tarballsOf(output: string): PackedTarballs {
  const start = output.search(/^[[{]/m);
  let parsed: unknown;
  try {
    parsed = JSON.parse(output.slice(start));
  } catch {
    throw new Error(`pnpm pack did not answer JSON: ${output.slice(0, 500)}`);
  }
  const entries = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ name?: unknown; filename?: unknown }>;
  const fileOf = (name: string): string => {
    const filename = entries.find((entry) => entry.name === name)?.filename;
    if (typeof filename !== "string") throw new Error(`pnpm pack did not pack ${name}: ${output.slice(0, 500)}`);
    return basename(filename);
  };
  return { mcpc: fileOf("mcpc"), cli: fileOf("@mcpc/cli") };
}

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024, shell: process.platform === "win32" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${error.message}\n${stderr}`));
      else resolveRun(stdout);
    });
  });
}
