import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport, type StreamableHTTPClientTransportOptions } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { McpcClient } from "../../src/client/index.js";
import { fixture, packageRoot, tsxArgs } from "./harness.js";

export const TRANSPORT_FIXTURE = fixture("transportServer.ts");

/** The transport fixture served over HTTP in a child process, on a port chosen at run time. */
export class HttpFixture {
  readonly child: ChildProcessWithoutNullStreams;
  #stderr = "";
  #url: URL | undefined;

  private constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [...tsxArgs(TRANSPORT_FIXTURE), "--http", ...args], {
      cwd: packageRoot,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    this.child.stdout.resume();
    this.child.stderr.on("data", (chunk: Buffer) => (this.#stderr += chunk.toString()));
  }

  /** Starts the server and waits (bounded) for the URL it prints. */
  static async start(args: readonly string[] = []): Promise<HttpFixture> {
    const server = new HttpFixture(args);
    const deadline = Date.now() + 20_000;
    while (server.#url === undefined) {
      const match = /listening on (\S+)/.exec(server.#stderr);
      if (match?.[1]) server.#url = new URL(match[1]);
      else if (server.child.exitCode !== null || Date.now() > deadline) {
        server.kill();
        throw new Error(`the HTTP fixture did not start:\n${server.#stderr}`);
      } else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return server;
  }

  /** The Streamable HTTP endpoint. */
  get url(): URL {
    if (!this.#url) throw new Error("not started");
    return this.#url;
  }

  /** The legacy SSE endpoint. */
  get sseUrl(): URL {
    return new URL("/sse", this.url);
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The server process's resident set size, in MiB (Linux). */
  rssMiB(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return Math.round((kb / 1024) * 10) / 10;
  }

  /** SIGTERM, then waits (bounded) for the exit; SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
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
