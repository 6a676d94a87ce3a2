import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpcClient } from "../../src/client/index.js";

export const packageRoot = fileURLToPath(new URL("../..", import.meta.url));
export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Node arguments that run a TypeScript fixture under tsx. */
export const tsxArgs = (file: string) => ["--import", "tsx", file];

export interface Connected<C> {
  client: C;
  transport: StdioClientTransport;
  stderr: () => string;
  close: () => Promise<void>;
}

function transportFor(file: string): { transport: StdioClientTransport; stderr: () => string } {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: tsxArgs(file),
    cwd: packageRoot,
    stderr: "pipe",
    env: { ...process.env, NODE_OPTIONS: "" } as Record<string, string>,
  });
  let err = "";
  transport.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return { transport, stderr: () => err };
}

/** Our client over a real stdio child process. */
export async function connectMcpc(file: string): Promise<Connected<McpcClient>> {
  const { transport, stderr } = transportFor(file);
  const client = new McpcClient(new Client({ name: "e2e-mcpc", version: "1.0.0" }));
  await client.connect(transport);
  return { client, transport, stderr, close: () => client.close() };
}

/** A plain SDK client (no MCPC) over a real stdio child process. */
export async function connectPlain(file: string): Promise<Connected<Client>> {
  const { transport, stderr } = transportFor(file);
  const client = new Client({ name: "e2e-plain", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, stderr, close: () => client.close() };
}

/** A given SDK client (with its own capabilities and handlers) over a real stdio child process. */
export async function connectClient(file: string, client: Client): Promise<Connected<Client>> {
  const { transport, stderr } = transportFor(file);
  await client.connect(transport);
  return { client, transport, stderr, close: () => client.close() };
}

/** A raw child process speaking JSON lines, for what no SDK client would send. */
export class RawProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  stderr = "";
  #buffer = "";
  #waiters: Array<() => void> = [];

  constructor(file: string) {
    this.child = spawn(process.execPath, tsxArgs(file), { cwd: packageRoot, env: { ...process.env, NODE_OPTIONS: "" } });
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.#buffer += chunk.toString();
      let index;
      while ((index = this.#buffer.indexOf("\n")) >= 0) {
        const line = this.#buffer.slice(0, index);
        this.lines.push(line);
        this.#buffer = this.#buffer.slice(index + 1);
        // Answer the server's pings as every real client does (the fallback's barrier waits for it).
        if (line.includes('"method":"ping"')) {
          const ping = JSON.parse(line) as { id: unknown };
          this.send(JSON.stringify({ jsonrpc: "2.0", id: ping.id, result: {} }));
        }
      }
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  send(line: string): void {
    this.child.stdin.write(line.endsWith("\n") ? line : `${line}\n`);
  }

  /** Waits (bounded) until a stdout line parses to something `match` accepts. */
  async waitFor(match: (message: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (let seen = 0; ; ) {
      for (; seen < this.lines.length; seen++) {
        const message = JSON.parse(this.lines[seen] ?? "") as Record<string, unknown>;
        if (match(message)) return message;
      }
      if (Date.now() > deadline) throw new Error(`no matching line within ${timeoutMs} ms; got:\n${this.lines.join("\n")}\nstderr:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  exited(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

export const INITIALIZE = (id: number | string, mcpc: boolean) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: {
      protocolVersion: "2025-11-25",
      capabilities: mcpc ? { experimental: { mcpc: { version: "1.0" } } } : {},
      clientInfo: { name: "raw", version: "1.0.0" },
    },
  });

/**
 * Waits (bounded) until `read()` contains `text`, and returns what it read. A
 * child's stderr is a separate pipe, so its lines may arrive after the answers
 * that followed them on stdout.
 */
export async function eventually(read: () => string, text: string, timeoutMs = 5_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value.includes(text) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
