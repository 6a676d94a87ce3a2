// Bundles the package's JavaScript into one file (tsc still writes the .d.ts files):
// one module for Node to resolve at start instead of one per source file.
// Dependencies (mcpc, @redis/client) stay external.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  outdir: "dist",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
