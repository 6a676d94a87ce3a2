import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The names of the templates, in the order they are offered. */
export const TEMPLATE_NAMES = ["basic", "monitor"] as const;

/** A template's name. */
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** What a template is for, shown in prompts and `--help`, and written into the generated README. */
export const TEMPLATE_DESCRIPTIONS: Readonly<Record<TemplateName, string>> = {
  basic: "One background tool with progress, one ordinary tool, and tests.",
  monitor: "A watcher that runs until stopped and sends server events when a file changes.",
};

/** One file of a template or of a generated project; `path` uses `/`, relative to the project's root. */
export interface TemplateFile {
  path: string;
  contents: string;
}

/**
 * The raw template files: `shared` goes into every project, each template's own
 * files are laid over it (same path: the template's wins).
 */
export interface TemplateSource {
  shared: TemplateFile[];
  templates: Record<TemplateName, TemplateFile[]>;
}

/** The `templates/` folder shipped in this package. */
export const TEMPLATES_DIR = fileURLToPath(new URL("../templates/", import.meta.url));

/** Tells whether a string names a template. */
export function isTemplateName(value: string): value is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(value);
}

async function readTree(root: string): Promise<TemplateFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: TemplateFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files.push({ path: relative(root, full).split(sep).join("/"), contents: await readFile(full, "utf8") });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Reads the template files from disk (the only I/O of the scaffolding step), for
 * {@link scaffold} to fill in.
 *
 * @example
 * const source = await readTemplates();
 * const { files } = scaffold({ name: "my-server", template: "basic" }, source);
 */
export async function readTemplates(dir: string = TEMPLATES_DIR): Promise<TemplateSource> {
  const [shared, basic, monitor] = await Promise.all([
    readTree(join(dir, "_shared")),
    readTree(join(dir, "basic")),
    readTree(join(dir, "monitor")),
  ]);
  return { shared, templates: { basic, monitor } };
}
