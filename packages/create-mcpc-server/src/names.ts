import validate from "validate-npm-package-name";

/** The answer of {@link validateProjectName}. */
export type NameCheck = { valid: true } | { valid: false; problems: string[] };

/**
 * Checks a project name against npm's rules for new package names (lower case,
 * URL-friendly, at most 214 characters, not a Node core module, optionally `@scope/name`).
 *
 * @example
 * validateProjectName("my-server"); // { valid: true }
 * validateProjectName("My Server"); // { valid: false, problems: ["name can no longer contain capital letters", ...] }
 */
export function validateProjectName(name: string): NameCheck {
  const result = validate(name);
  if (result.validForNewPackages) return { valid: true };
  return { valid: false, problems: [...(result.errors ?? []), ...(result.warnings ?? [])] };
}

/**
 * The folder a project is created in by default: the name without its scope
 * (`@acme/tools` → `tools`).
 *
 * @example
 * defaultDirectory("@acme/tools"); // "tools"
 */
export function defaultDirectory(name: string): string {
  const slash = name.lastIndexOf("/");
  return slash === -1 ? name : name.slice(slash + 1);
}
