import { defaultDirectory, validateProjectName } from "./names.js";
import { TEMPLATE_DESCRIPTIONS, TEMPLATE_NAMES, isTemplateName, type TemplateFile, type TemplateName, type TemplateSource } from "./templates.js";
import { vendorDependencies, type VendoredPackages } from "./vendored.js";
import { CLI_VERSION, MCPC_VERSION, SDK_VERSION, ZOD_RANGE } from "./versions.js";

/** The package managers a generated project's instructions are written for. */
export const PACKAGE_MANAGERS = ["npm", "pnpm"] as const;

/** A package manager. */
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** What to generate. */
export interface ScaffoldOptions {
  /** The npm package name of the new project (`my-server`, `@acme/tools`). */
  name: string;
  /** Which template. */
  template: TemplateName;
  /** Whose commands the README shows. Default `npm`. */
  packageManager?: PackageManager;
  /** The `mcpc` version to depend on (as `^version`). Default: the version this scaffolder ships with. */
  mcpcVersion?: string;
  /**
   * Depend on these tarballs (inside the project, e.g. `vendor/`) instead of the registry's
   * mcpc and @mcpc/cli; the README then says where they came from. The caller writes the
   * tarballs: `scaffold()` only refers to them. Default: the registry.
   */
  vendored?: VendoredPackages;
}

/** The generated project: every file, paths relative to its root with `/`. */
export interface ScaffoldResult {
  files: TemplateFile[];
}

/** A problem with the options given to {@link scaffold}; `code` tells which. */
export class ScaffoldError extends Error {
  override readonly name = "ScaffoldError";
  readonly code: "INVALID_NAME" | "UNKNOWN_TEMPLATE" | "UNKNOWN_PLACEHOLDER";

  constructor(code: ScaffoldError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

/** Files of a template folder that configure the scaffolder and are not written out: the README's tool list, and its note on vendored packages. */
const TOOLS_FILE = "_tools.md";
const VENDORED_FILE = "_vendored.md";
const PARTIALS: ReadonlySet<string> = new Set([TOOLS_FILE, VENDORED_FILE]);
/** npm drops `.gitignore` from published packages, so the template ships it as `_gitignore`. */
const RENAMES: Readonly<Record<string, string>> = { _gitignore: ".gitignore" };

/**
 * Generates a project from a template: pure (no I/O), so the files can be checked,
 * shown or written anywhere. Throws a {@link ScaffoldError} for a name that npm would
 * not accept, an unknown template, or a template that uses a placeholder it does not know.
 *
 * @example
 * const { files } = scaffold({ name: "my-server", template: "basic" }, await readTemplates());
 * files.map((f) => f.path); // [".gitignore", "README.md", "package.json", "src/server.ts", ...]
 */
export function scaffold(options: ScaffoldOptions, source: TemplateSource): ScaffoldResult {
  const { name, template } = options;
  const check = validateProjectName(name);
  if (!check.valid) {
    throw new ScaffoldError("INVALID_NAME", `"${name}" is not a valid npm package name: ${check.problems.join("; ")}.`);
  }
  if (!isTemplateName(template)) {
    throw new ScaffoldError("UNKNOWN_TEMPLATE", `There is no template "${String(template)}"; choose one of ${TEMPLATE_NAMES.join(", ")}.`);
  }
  const pm = options.packageManager ?? "npm";
  const own = source.templates[template];
  const tools = own.find((file) => file.path === TOOLS_FILE)?.contents.trim() ?? "";
  const values: Record<string, string> = {
    name,
    dirName: defaultDirectory(name),
    description: TEMPLATE_DESCRIPTIONS[template],
    mcpcVersion: options.mcpcVersion ?? MCPC_VERSION,
    cliVersion: CLI_VERSION,
    sdkVersion: SDK_VERSION,
    zodRange: ZOD_RANGE,
    run: pm === "npm" ? "npm run" : "pnpm",
    add: pm === "npm" ? "npm install" : "pnpm add",
    tools,
    vendored: "",
  };
  const { vendored } = options;
  if (vendored) {
    const note = [...own, ...source.shared].find((file) => file.path === VENDORED_FILE);
    if (note) values.vendored = `\n${fill(VENDORED_FILE, note.contents, { ...values, mcpcTarball: vendored.mcpc, cliTarball: vendored.cli })}`;
  }

  const byPath = new Map<string, string>();
  for (const file of [...source.shared, ...own]) {
    if (PARTIALS.has(file.path)) continue;
    byPath.set(RENAMES[file.path] ?? file.path, file.contents);
  }
  const files = [...byPath].map(([path, contents]) => {
    const filled = fill(path, contents, values);
    return { path, contents: vendored && path === "package.json" ? vendorDependencies(filled, vendored) : filled };
  });
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

/** Replaces every `{{key}}`; a key without a value is a bug in the template, so it throws. */
function fill(path: string, contents: string, values: Record<string, string>): string {
  return contents.replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new ScaffoldError("UNKNOWN_PLACEHOLDER", `Template file ${path} uses {{${key}}}, which the scaffolder does not fill.`);
    return value;
  });
}
