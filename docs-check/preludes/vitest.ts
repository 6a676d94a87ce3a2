// prelude "vitest" (after "client"): snippets lifted from the package's tests.
import { expect } from "vitest";
/** Starts a test server (`PLAIN` is one without MCPC) and connects an MCPC client to it. */
declare function mcpc(server: string): Promise<{ client: McpcClient }>;
declare const PLAIN: string;
declare function collect(handle: TaskHandle): Promise<McpcTaskMessage[]>;
