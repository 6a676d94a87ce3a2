import { renderUsage, runCommand, type ArgsDef, type CommandDef } from "citty";

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The user pressed Ctrl-C and the command cleaned up: exit code 130. */
export class Interrupted extends Error {
  override readonly name = "Interrupted";
}

/** Exit codes of the `mcpc` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * The one entry point of the `mcpc` command: resolves the subcommand, answers
 * `--help`, refuses unknown flags, runs the command and maps whatever it throws
 * to an exit code (usage mistakes 2, Ctrl-C 130, anything else 1) with one
 * message on stderr. Commands only throw; they never call `process.exit`.
 */
export async function runCli(root: CommandDef, argv: readonly string[]): Promise<number> {
  const [command, parent, rest] = await resolve(root, argv);
  try {
    if (rest.includes("--help") || rest.includes("-h") || (command === root && rest.length === 0)) {
      process.stdout.write(`${await renderUsage(command, parent)}\n`);
      return EXIT.ok;
    }
    if (command === root && (rest[0] === "--version" || rest[0] === "-v") && rest.length === 1) {
      const meta = typeof root.meta === "function" ? await root.meta() : await root.meta;
      process.stdout.write(`${meta?.version ?? "unknown"}\n`);
      return EXIT.ok;
    }
    if (command === root) throw new UsageError(`Unknown command "${rest[0] ?? ""}".`);
    checkFlags(await resolveArgs(command), rest);
    await runCommand(command, { rawArgs: [...rest] });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof Interrupted) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.interrupted;
    }
    if (error instanceof UsageError || (error instanceof Error && error.name === "CLIError")) {
      process.stderr.write(`${await renderUsage(command, parent)}\n\nmcpc: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`mcpc: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

async function resolve(root: CommandDef, argv: readonly string[]): Promise<[CommandDef, CommandDef | undefined, string[]]> {
  const subCommands = typeof root.subCommands === "function" ? await root.subCommands() : await root.subCommands;
  const name = argv[0];
  const found = name !== undefined && subCommands ? subCommands[name] : undefined;
  if (!found) return [root, undefined, [...argv]];
  const command = (typeof found === "function" ? await found() : await found) as CommandDef;
  return [command, root, argv.slice(1)];
}

async function resolveArgs(command: CommandDef): Promise<ArgsDef> {
  return (typeof command.args === "function" ? await command.args() : await command.args) ?? {};
}

/**
 * citty accepts any flag and leaves unknown ones in `args`; a typo would pass
 * silently. Every `--name` / `-x` must be a declared flag (or `--no-name` of a
 * boolean), and there must be no more positionals than declared.
 */
function checkFlags(args: ArgsDef, rawArgs: readonly string[]): void {
  const known = new Map<string, string>();
  let positionals = 0;
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") {
      positionals++;
      continue;
    }
    known.set(name, def.type ?? "boolean");
    const aliases = "alias" in def && def.alias !== undefined ? [def.alias].flat() : [];
    for (const alias of aliases) known.set(alias, def.type ?? "boolean");
  }
  let seen = 0;
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] ?? "";
    if (arg === "--") {
      seen += rawArgs.length - i - 1;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      seen++;
      continue;
    }
    const name = arg.replace(/^--?/, "").split("=")[0] ?? "";
    const type = known.get(name) ?? (name.startsWith("no-") && known.get(name.slice(3)) === "boolean" ? "boolean" : undefined);
    if (type === undefined) throw new UsageError(`Unknown flag "${arg.split("=")[0] ?? arg}".`);
    if (type !== "boolean" && !arg.includes("=")) {
      if (i + 1 >= rawArgs.length) throw new UsageError(`Flag "${arg}" needs a value.`);
      i++;
    }
  }
  if (seen > positionals) throw new UsageError(`Too many arguments: expected at most ${positionals}, got ${seen}.`);
}
