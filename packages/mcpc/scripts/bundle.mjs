// Bundles the library's JavaScript (tsc still writes the .d.ts files): one file
// per public entry plus shared chunks, instead of ~60 modules for Node to
// resolve and compile at every cold start. Dependencies stay external.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts", "src/client/index.ts", "src/transports/http/index.ts", "src/helper/index.ts", "src/engine/index.ts", "src/dashboard/index.ts"],
  outdir: "dist",
  outbase: "src",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
