import type { Generation } from "./generation.js";
import { TASK_URI_PREFIX } from "./taskIds.js";

/** The most pages of one list read to compare two versions; a catalog longer than this is compared on its start. */
const MAX_PAGES = 20;

/** The lists whose change a reload announces besides tools, with the list methods behind each. */
const CATALOGS = {
  resources: ["resources/list", "resources/templates/list"],
  prompts: ["prompts/list"],
} as const;

/** A catalog whose `list_changed` notification a reload may send. */
export type Catalog = keyof typeof CATALOGS;

/**
 * The catalogs (resources, prompts) that differ between the version serving and
 * the one replacing it, among those the host was told about (`capabilities`).
 * Tools are not compared: every reload announces them, since their code changed
 * even where their list did not.
 */
export async function changedCatalogs(before: Generation, after: Generation, capabilities: Record<string, unknown>): Promise<Catalog[]> {
  const names = (Object.keys(CATALOGS) as Catalog[]).filter((name) => capabilities[name] !== undefined);
  const changed = await Promise.all(
    names.map(async (name) => {
      const [old, fresh] = await Promise.all([listing(before, CATALOGS[name]), listing(after, CATALOGS[name])]);
      return old === fresh ? undefined : name;
    }),
  );
  return changed.filter((name): name is Catalog => name !== undefined);
}

/** Every page of each list method, as one string to compare; an error counts as its message (a list that went away differs). */
async function listing(generation: Generation, methods: readonly string[]): Promise<string> {
  const parts: unknown[] = [];
  for (const method of methods) {
    let cursor: unknown;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await generation.request(method, typeof cursor === "string" ? { cursor } : undefined);
      if (answer.error) {
        parts.push(`error ${answer.error.code}`);
        break;
      }
      const { nextCursor, ...rest } = answer.result ?? {};
      parts.push(withoutTasks(rest));
      cursor = nextCursor;
      if (typeof cursor !== "string") break;
    }
  }
  return JSON.stringify(parts);
}

/** A page without the tasks' own resources (job handles): they come and go with tasks, not with the code. */
function withoutTasks(page: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(page.resources)) return page;
  const resources = (page.resources as unknown[]).filter((resource) => {
    const uri = (resource as { uri?: unknown } | null)?.uri;
    return typeof uri !== "string" || !uri.startsWith(TASK_URI_PREFIX);
  });
  return { ...page, resources };
}
