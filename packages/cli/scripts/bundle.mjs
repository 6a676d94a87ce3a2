// Bundles the command into one file (dist/main.js, the bin): one module for Node to
// resolve and compile at every start of `mcpc`, instead of one per source file.
// Dependencies (mcpc, the SDK, tsx, citty, cli-progress) stay external.
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outdir: "dist",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
