/**
 * The versions a generated project depends on. `MCPC_VERSION` is the version of the
 * workspace's `mcpc` package this scaffolder is released with (a test keeps them equal).
 */
export const MCPC_VERSION = "0.1.0";
/** The version of the workspace's `@mcpc/cli` (the `mcpc` command), a dev dependency of a generated project (a test keeps them equal). */
export const CLI_VERSION = "0.1.0";
/** The MCP SDK line mcpc is built on (pinned, like mcpc's own dependency). */
export const SDK_VERSION = "1.32.2";
/** zod 4, as mcpc requires. */
export const ZOD_RANGE = "^4.1.0";
