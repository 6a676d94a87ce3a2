import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file starts its own redis-server: two cores, so at most two files at a time.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
