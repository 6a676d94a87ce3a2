import type { ServeOptions } from "./serveOptions.js";

/**
 * The hand-over between a server file and a runner that owns serving (`mcpc serve`).
 *
 * A server file usually ends with `await new MyServer(...).serve()`. When a runner
 * imports that file, it installs a {@link ServeRunner} under {@link SERVE_RUNNER_KEY}
 * on `globalThis` first; `McpcServer.serve()` then hands the instance to the runner
 * and resolves with the runner's handle instead of opening a transport of its own,
 * so the file is served once, on the runner's transport. A global symbol (not a
 * module variable) because the file may load its own copy of `mcpc`.
 */
export const SERVE_RUNNER_KEY: symbol = Symbol.for("mcpc.serveRunner");

/** What a runner does with a server whose file called `serve()`. */
export interface ServeRunner {
  /** Takes over the server; resolves with the handle `serve()` resolves with. */
  adopt(server: object, options: ServeOptions): Promise<{ closed: Promise<void> }>;
}

/** The runner installed on `globalThis`, if any. */
export function installedServeRunner(): ServeRunner | undefined {
  const value = (globalThis as Record<symbol, unknown>)[SERVE_RUNNER_KEY];
  return typeof value === "object" && value !== null && typeof (value as ServeRunner).adopt === "function" ? (value as ServeRunner) : undefined;
}
