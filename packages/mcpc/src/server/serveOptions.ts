import type { StdioOptions } from "../transports/stdio.js";
import type { HttpOptions } from "../transports/http/httpOptions.js";

/** Serving on stdio (the default): one session, this process's stdin and stdout. */
export interface StdioServeOptions extends StdioOptions {
  transport?: "stdio";
}

/**
 * Serving over HTTP on one port: Streamable HTTP at `/mcp` and the legacy
 * HTTP+SSE transport at `/sse`, bound to 127.0.0.1 by default. See docs/transports.md.
 */
export interface HttpServeOptions extends HttpOptions {
  transport: "http";
}

/** How `McpcServer.serve` serves: stdio (default) or HTTP. */
export type ServeOptions = StdioServeOptions | HttpServeOptions;
