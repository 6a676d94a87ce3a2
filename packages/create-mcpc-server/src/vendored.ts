/**
 * mcpc and @mcpc/cli as tarballs inside the generated project (`vendor/`), for a project
 * scaffolded from a checkout of the mcpc repository before (or instead of) the npm
 * registry's copies. Pure: it only rewrites the generated `package.json` text.
 */

/** The tarballs a project depends on instead of the registry; paths relative to its root, with `/`. */
export interface VendoredPackages {
  /** The packed `mcpc`, e.g. `vendor/mcpc-0.1.0.tgz`. */
  mcpc: string;
  /** The packed `@mcpc/cli`, e.g. `vendor/mcpc-cli-0.1.0.tgz`. */
  cli: string;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  overrides?: Record<string, string>;
  pnpm?: { overrides?: Record<string, string> };
  [key: string]: unknown;
}

/**
 * Points a generated `package.json` at vendored tarballs: `mcpc` and `@mcpc/cli` become
 * `file:` dependencies, and an override (npm's `overrides`, pnpm's `pnpm.overrides`) sends
 * @mcpc/cli's own `mcpc` dependency to the same tarball. Without the override that
 * dependency (a plain version number once packed) is looked up on the registry, where
 * it may not exist, or would be a second copy of mcpc.
 *
 * @example
 * vendorDependencies(text, { mcpc: "vendor/mcpc-0.1.0.tgz", cli: "vendor/mcpc-cli-0.1.0.tgz" });
 * // "mcpc": "file:vendor/mcpc-0.1.0.tgz", …, "overrides": { "mcpc": "$mcpc" }
 */
export function vendorDependencies(packageJson: string, vendored: VendoredPackages): string {
  const pkg = JSON.parse(packageJson) as PackageJson;
  pkg.dependencies = { ...pkg.dependencies, mcpc: `file:${vendored.mcpc}` };
  pkg.devDependencies = { ...pkg.devDependencies, "@mcpc/cli": `file:${vendored.cli}` };
  // `$mcpc` means "the spec of the project's own mcpc dependency", so the path lives in one place.
  pkg.overrides = { ...pkg.overrides, mcpc: "$mcpc" };
  pkg.pnpm = { ...pkg.pnpm, overrides: { ...pkg.pnpm?.overrides, mcpc: "$mcpc" } };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
