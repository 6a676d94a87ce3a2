import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import * as clack from "@clack/prompts";
import { defineCommand, parseArgs, renderUsage, type ArgsDef } from "citty";
import { findCheckout, packCheckout, readCheckout, type Checkout, type PackedTarballs } from "./checkout.js";
import { defaultDirectory, validateProjectName } from "./names.js";
import { PACKAGE_MANAGERS, scaffold, type PackageManager } from "./scaffold.js";
import { TEMPLATE_DESCRIPTIONS, TEMPLATE_NAMES, isTemplateName, readTemplates, type TemplateName } from "./templates.js";
import type { VendoredPackages } from "./vendored.js";

/** Exit codes of the command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

/** What the shell needs from its process; tests pass their own. */
export interface ShellIo {
  /** The folder relative paths are resolved against. */
  cwd: string;
  /** The environment (`npm_config_user_agent` tells which package manager ran us). */
  env: Record<string, string | undefined>;
  /** True when a person can answer questions (stdin and stdout are terminals). */
  interactive: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Installs dependencies in `dir`; default: runs `<pm> install` there. */
  install?: (pm: PackageManager, dir: string) => Promise<void>;
  /** The scaffolder's package folder, from which a checkout is detected; default: its own. */
  scaffolderDir?: string;
  /** Packs a checkout's mcpc and @mcpc/cli into `destination`; default: {@link packCheckout} (`pnpm pack`). */
  pack?: (checkout: Checkout, destination: string) => Promise<PackedTarballs>;
}

/** The project folder that holds mcpc and @mcpc/cli when they come from a checkout. */
const VENDOR_DIR = "vendor";

const args = {
  name: { type: "positional", required: false, description: "The project's npm package name; also its folder (without the scope)" },
  template: { type: "enum", options: [...TEMPLATE_NAMES], alias: "t", description: "basic (a background tool and an ordinary tool) or monitor (a watcher that runs until stopped)" },
  dir: { type: "string", description: "The folder to create the project in (default: ./<name without scope>)" },
  pm: { type: "enum", options: [...PACKAGE_MANAGERS], description: "The package manager to install with (default: the one running this command, else npm)" },
  install: { type: "boolean", default: true, description: "Install dependencies after writing the files", negativeDescription: "Write the files only" },
  yes: { type: "boolean", alias: "y", description: "Ask nothing: take the defaults for everything not given" },
  force: { type: "boolean", description: "Write into a folder that is not empty (files of the same name are overwritten)" },
  checkout: { type: "string", description: "Take mcpc and @mcpc/cli from this checkout of the mcpc repository, packed into the project's vendor/ (default: the checkout this command runs from, if any)" },
  registry: { type: "boolean", description: "Take mcpc and @mcpc/cli from the npm registry, even when run from a checkout" },
  help: { type: "boolean", alias: "h", description: "Show this help" },
  version: { type: "boolean", alias: "v", description: "Show the version" },
} as const satisfies ArgsDef;

/** The command's declaration: its name, description and flags (citty). */
export const command = defineCommand({
  meta: { name: "create-mcpc-server", description: "Create an MCP server project that uses mcpc." },
  args,
});

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
class UsageError extends Error {}

/** Every flag the command knows, as written on the command line (`--no-install` included). */
function knownFlags(): Set<string> {
  const known = new Set<string>();
  for (const [name, def] of Object.entries(args as ArgsDef)) {
    if (def.type === "positional") continue;
    known.add(name);
    if (def.type === "boolean") known.add(`no-${name}`);
    const alias = "alias" in def ? def.alias : undefined;
    for (const a of typeof alias === "string" ? [alias] : (alias ?? [])) known.add(a);
  }
  return known;
}

/** The flags on the command line that the command does not know. */
function unknownFlags(rawArgs: string[]): string[] {
  const known = knownFlags();
  const unknown: string[] = [];
  for (const arg of rawArgs) {
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      const flag = arg.slice(2).split("=")[0] ?? "";
      if (!known.has(flag)) unknown.push(`--${flag}`);
    } else if (arg.startsWith("-") && arg.length > 1) {
      for (const letter of arg.slice(1).split("=")[0] ?? "") if (!known.has(letter)) unknown.push(`-${letter}`);
    }
  }
  return unknown;
}

function detectPackageManager(env: ShellIo["env"]): PackageManager {
  return env.npm_config_user_agent?.startsWith("pnpm") ? "pnpm" : "npm";
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
}

/** Runs `<pm> install` in `dir`, its output going to this process's terminal. */
function runInstall(pm: PackageManager, dir: string): Promise<void> {
  return new Promise((resolveInstall, reject) => {
    const child = spawn(pm, ["install"], { cwd: dir, stdio: ["ignore", "inherit", "inherit"], shell: process.platform === "win32" });
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolveInstall() : reject(new Error(`${pm} install exited with ${signal ?? `code ${String(code)}`}`)),
    );
  });
}

/** Asks with @clack/prompts; a cancelled question ends the command with exit code 130. */
class Cancelled extends Error {}
function answer<T extends string>(value: T | symbol): T {
  if (typeof value === "symbol" || clack.isCancel(value)) throw new Cancelled();
  return value;
}

async function askName(): Promise<string> {
  return answer(
    await clack.text({
      message: "Project name (npm package name)",
      placeholder: "my-mcpc-server",
      defaultValue: "my-mcpc-server",
      validate: (value) => {
        if (!value) return undefined; // takes the default
        const check = validateProjectName(value);
        return check.valid ? undefined : check.problems.join("; ");
      },
    }),
  );
}

async function askTemplate(): Promise<TemplateName> {
  const value: string = answer(
    await clack.select({
      message: "Template",
      options: TEMPLATE_NAMES.map((value) => ({ value: value as string, label: value, hint: TEMPLATE_DESCRIPTIONS[value] })),
    }),
  );
  if (!isTemplateName(value)) throw new Error(`the prompt answered an unknown template "${value}".`);
  return value;
}

/**
 * The command: parses `rawArgs`, asks what is missing (only when `io.interactive` and
 * not `--yes`), writes the project, installs it unless `--no-install`, and prints the
 * next steps. Owns every exit code and error message: 0 done, 1 failed (e.g. the
 * install), 2 a usage mistake (unknown flag, bad name, non-empty folder), 130 cancelled.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), processIo());
 */
export async function main(rawArgs: string[], io: ShellIo): Promise<number> {
  try {
    return await create(rawArgs, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`create-mcpc-server: ${error.message}\nRun create-mcpc-server --help for the options.\n`);
      return EXIT.usage;
    }
    if (error instanceof Cancelled) {
      io.stderr("Cancelled; nothing was written.\n");
      return EXIT.cancelled;
    }
    io.stderr(`create-mcpc-server: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

async function create(rawArgs: string[], io: ShellIo): Promise<number> {
  const unknown = unknownFlags(rawArgs);
  if (unknown.length > 0) throw new UsageError(`unknown option${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}.`);
  let parsed;
  try {
    parsed = parseArgs<typeof args>(rawArgs, args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.help) {
    io.stdout(`${await renderUsage(command)}\n`);
    return EXIT.ok;
  }
  if (parsed.version) {
    const own = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    io.stdout(`${own.version}\n`);
    return EXIT.ok;
  }
  if (parsed._.length > 1) throw new UsageError(`one project name expected, got ${parsed._.length}: ${parsed._.join(" ")}.`);

  const ask = io.interactive && !parsed.yes;
  if (ask) clack.intro("create-mcpc-server");
  const name = parsed.name ?? (ask ? await askName() : parsed.yes ? "my-mcpc-server" : undefined);
  if (name === undefined) throw new UsageError("give the project's name (create-mcpc-server my-server), or --yes for my-mcpc-server.");
  const check = validateProjectName(name);
  if (!check.valid) throw new UsageError(`"${name}" is not a valid npm package name: ${check.problems.join("; ")}.`);
  const template: TemplateName = parsed.template ?? (ask ? await askTemplate() : "basic");
  const pm = parsed.pm ?? detectPackageManager(io.env);

  const dir = resolve(io.cwd, parsed.dir ?? defaultDirectory(name));
  if (!parsed.force && !(await isEmptyOrMissing(dir))) {
    throw new UsageError(`${dir} is not empty; choose another name or --dir, or pass --force to write into it anyway.`);
  }

  const checkout = await chooseCheckout(parsed, io.cwd, io.scaffolderDir);
  let vendored: VendoredPackages | undefined;
  if (checkout) {
    io.stderr(`Packing mcpc and @mcpc/cli from the checkout ${checkout.root} into ${join(dir, VENDOR_DIR)} (--registry would take them from npm instead)...\n`);
    const packed = await (io.pack ?? packCheckout)(checkout, join(dir, VENDOR_DIR));
    vendored = { mcpc: `${VENDOR_DIR}/${packed.mcpc}`, cli: `${VENDOR_DIR}/${packed.cli}` };
  }

  const { files } = scaffold({ name, template, packageManager: pm, vendored }, await readTemplates());
  for (const file of files) {
    const target = join(dir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.contents);
  }
  io.stderr(`Created ${name} (template ${template}) in ${dir}: ${files.length} files.\n`);

  let installed = false;
  if (parsed.install) {
    io.stderr(`Installing dependencies with ${pm}...\n`);
    try {
      await (io.install ?? runInstall)(pm, dir);
      installed = true;
    } catch (error) {
      io.stderr(`The install failed (${error instanceof Error ? error.message : String(error)}); the files are written, run ${pm} install in ${dir} to try again.\n`);
    }
  }

  const run = pm === "npm" ? "npm run" : "pnpm";
  const cd = relative(io.cwd, dir) || ".";
  const steps = [`cd ${cd}`, ...(installed ? [] : [`${pm} install`]), `${run} dev      # runs src/server.ts, reloading it on save (the host stays connected)`, `${pm} test        # builds and tests it`, `${run} build && ${pm} start`];
  const next = `Next steps:\n${steps.map((step) => `  ${step}`).join("\n")}\nREADME.md shows how to add the server to Claude Desktop, VS Code and Cursor.\n`;
  if (ask) clack.outro(next);
  else io.stdout(next);
  return parsed.install && !installed ? EXIT.failed : EXIT.ok;
}

/**
 * Where mcpc and @mcpc/cli come from: `--registry` says npm, `--checkout <path>` that
 * checkout; neither: the checkout this scaffolder runs from if it does, else npm.
 */
async function chooseCheckout(parsed: { checkout?: string; registry?: boolean }, cwd: string, scaffolderDir: string | undefined): Promise<Checkout | undefined> {
  if (parsed.registry && parsed.checkout !== undefined) throw new UsageError("--checkout and --registry exclude each other; give one of them.");
  if (parsed.registry) return undefined;
  if (parsed.checkout === undefined) return findCheckout(scaffolderDir);
  const root = resolve(cwd, parsed.checkout);
  const checkout = await readCheckout(root);
  if (!checkout) throw new UsageError(`${root} is not a checkout of the mcpc repository (a pnpm workspace with packages/mcpc and packages/cli).`);
  return checkout;
}

/** The real process's {@link ShellIo}. */
export function processIo(): ShellIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}
