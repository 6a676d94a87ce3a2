/**
 * Where an e2e test's SDK clients connect: a fixture server (test/fixtures, run
 * under tsx) over stdio, one process per session, or one HTTP child server per
 * describe block, on 127.0.0.1 with a port chosen at run time. Shared by the
 * MCP-tasks, job-handle and task-input tests.
 */
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { afterAll, afterEach, beforeAll } from "vitest";
import { ChildHttpServer } from "./childHttpServer.js";
import { packageRoot, tsxArgs } from "./harness.js";

/** Closers of what a test opened (clients, sessions): run after each test, newest first, whatever its outcome. */
export const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

export interface Target {
  readonly name: "stdio" | "streamable-http";
  /** A client transport to a new session (for stdio, a new server process); HTTP headers go on every request. */
  transport(headers?: Record<string, string>): Transport;
}

export interface HttpTarget extends Target {
  /** The running server's MCP endpoint. */
  readonly url: () => URL;
}

/** The fixture at `fixturePath` on stdio, with `args`. */
export function stdioFixture(fixturePath: string, args: readonly string[]): Target {
  return {
    name: "stdio",
    transport: () =>
      new StdioClientTransport({
        command: process.execPath,
        args: [...tsxArgs(fixturePath), ...args],
        cwd: packageRoot,
        stderr: "ignore",
        env: { ...process.env, NODE_OPTIONS: "" } as Record<string, string>,
      }),
  };
}

/** One HTTP server of the fixture for the tests of a describe block: started before them, stopped after them even when one fails. */
export function httpFixtureForBlock(fixturePath: string, args: readonly string[]): HttpTarget {
  let server: ChildHttpServer | undefined;
  beforeAll(async () => {
    server = await ChildHttpServer.start(fixturePath, ["--http", ...args]);
  });
  afterAll(async () => {
    await server?.stop();
  });
  const url = (): URL => {
    if (!server) throw new Error("the HTTP fixture is not running");
    return server.url;
  };
  return { name: "streamable-http", url, transport: (headers = {}) => new StreamableHTTPClientTransport(url(), { requestInit: { headers } }) };
}
