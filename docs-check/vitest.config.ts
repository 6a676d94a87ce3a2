import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // typedoc and a whole-program type-check each take several seconds on two shared cores.
    testTimeout: 120_000,
    fileParallelism: false,
  },
});
