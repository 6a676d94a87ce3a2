import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { McpcClient } from "mcpc/client";
import { UsageError } from "./runCli.js";
import { CLI_VERSION } from "./version.js";

/**
 * The transport for a `<server>` argument: an `http(s)://` URL is Streamable
 * HTTP; anything else is a command line (split on spaces, quotes respected)
 * started as a child process speaking stdio. The child's stderr passes through.
 */
export function transportFor(server: string): Transport {
  if (/^https?:\/\//i.test(server)) return new StreamableHTTPClientTransport(new URL(server));
  const [command, ...args] = splitCommand(server);
  if (command === undefined) throw new UsageError("The server argument is empty: give a command (\"node dist/server.js\") or a URL (http://127.0.0.1:3000/mcp).");
  // The whole environment, as a shell would pass it (the SDK's default keeps only a few variables).
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return new StdioClientTransport({ command, args, env, stderr: "inherit" });
}

/** Connects an MCPC client to `server`. */
export async function connectClient(server: string): Promise<McpcClient> {
  const client = new McpcClient(new Client({ name: "mcpc-cli", version: CLI_VERSION }));
  try {
    await client.connect(transportFor(server));
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new Error(`Could not connect to ${server}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return client;
}

/** Splits a command line on whitespace; single and double quotes group. */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? "");
  return words;
}
