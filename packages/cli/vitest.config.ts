import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every test runs the built bin as a real process (and the packaging test runs npm): two cores, so at most two files at a time.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
