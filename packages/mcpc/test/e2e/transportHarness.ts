import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll } from "vitest";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport, type StreamableHTTPClientTransportOptions } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { McpcClient } from "../../src/client/index.js";
import { fixture, packageRoot, tsxArgs } from "./harness.js";
import { ChildHttpServer } from "./childHttpServer.js";

export const TRANSPORT_FIXTURE = fixture("transportServer.ts");

/** The transport fixture served over HTTP (`--http`) in a child process, on a port chosen at run time. */
export type HttpFixture = ChildHttpServer;
export const HttpFixture = {
  /** Starts the server and waits (bounded) for the URL it prints. */
  start: (args: readonly string[] = []): Promise<HttpFixture> => ChildHttpServer.start(TRANSPORT_FIXTURE, ["--http", ...args]),
};

/** One HTTP fixture shared by the tests of a describe block: started before them, stopped after them (even when one fails). */
export function httpFixtureForBlock(args: readonly string[] = []): () => HttpFixture {
  let server: HttpFixture | undefined;
  beforeAll(async () => {
    server = await HttpFixture.start(args);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("the HTTP fixture is not running");
    return server;
  };
}

/** One transport the shared scenarios run over: how to make a client transport to the fixture. */
export interface TransportTarget {
  readonly name: "stdio" | "streamable-http" | "sse";
  /** A new client transport to a (new, for stdio) session of the fixture. */
  transport(): Transport;
}

export function stdioTarget(): TransportTarget {
  return {
    name: "stdio",
    transport: () =>
      new StdioClientTransport({ command: process.execPath, args: tsxArgs(TRANSPORT_FIXTURE), cwd: packageRoot, stderr: "ignore", env: { ...process.env, NODE_OPTIONS: "" } as Record<string, string> }),
  };
}

export function streamableTarget(server: () => HttpFixture, options?: StreamableHTTPClientTransportOptions): TransportTarget {
  return { name: "streamable-http", transport: () => new StreamableHTTPClientTransport(server().url, options) };
}

export function sseTarget(server: () => HttpFixture): TransportTarget {
  return { name: "sse", transport: () => new SSEClientTransport(server().sseUrl) };
}

/** Our client over a transport; `close` ends the session. */
export async function openMcpc(transport: Transport): Promise<McpcClient> {
  const client = new McpcClient(new Client({ name: "e2e-mcpc", version: "1.0.0" }));
  await client.connect(transport);
  return client;
}

/** A plain SDK client (no MCPC) over a transport. */
export async function openPlain(transport: Transport): Promise<Client> {
  const client = new Client({ name: "e2e-plain", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** Closes a plain client, ending its HTTP session first where there is one (the SDK's close does not). */
export async function closePlain(client: Client, transport: Transport): Promise<void> {
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
    await transport.terminateSession().catch(() => undefined);
  }
  await client.close();
}
