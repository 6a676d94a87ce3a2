import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The end-to-end test installs and runs whole projects: two cores, so one file at a time.
    fileParallelism: false,
  },
});
