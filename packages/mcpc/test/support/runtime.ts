// A server's whole runtime, for tests that look at what its author cannot:
// its checked tools, its open sessions. `server.runtime` is typed as the public
// `ServerRuntime`; the object behind it is the `McpcRuntime`.
import type { McpcServer } from "../../src/server/mcpcServer.js";
import { McpcRuntime } from "../../src/server/runtime.js";

/** `server.runtime` as the `McpcRuntime` it is (made on first use, like the getter). */
export function runtimeOf(server: McpcServer): McpcRuntime {
  const runtime = server.runtime;
  if (!(runtime instanceof McpcRuntime)) throw new Error("server.runtime is not an McpcRuntime");
  return runtime;
}
