import { defineConfig } from "vitest/config";

// The tests start the built server (dist/server.js): `npm test` builds it first.
export default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 30_000 } });
