import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import { fixture, packageRoot, tsxArgs } from "./harness.js";

export const HARDENING_FIXTURE = fixture("hardeningHttpServer.ts");

/** An HTTP fixture served by a child process (under tsx), so a test can read its memory and kill it. */
export class ChildHttpServer {
  readonly child: ChildProcessWithoutNullStreams;
  #stderr = "";
  #url: URL | undefined;

  private constructor(file: string, args: readonly string[]) {
    this.child = spawn(process.execPath, [...tsxArgs(file), ...args], { cwd: packageRoot, env: { ...process.env, NODE_OPTIONS: "" } });
    this.child.stdout.resume();
    this.child.stderr.on("data", (chunk: Buffer) => {
      // Bounded: a misbehaving server must not grow the test's own memory.
      if (this.#stderr.length < 1_000_000) this.#stderr += chunk.toString();
    });
  }

  /** Starts the fixture and waits (bounded) for the URL it prints. */
  static async start(file: string, args: readonly string[] = []): Promise<ChildHttpServer> {
    const server = new ChildHttpServer(file, args);
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

  get url(): URL {
    if (!this.#url) throw new Error("not started");
    return this.#url;
  }

  /** The legacy SSE endpoint of the same server. */
  get sseUrl(): URL {
    return new URL("/sse", this.url);
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The server process's resident set size, in MiB (Linux /proc). */
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

/**
 * Opens a session's GET stream with raw `node:http` and does not read it: the
 * response is paused as it arrives, so the client's socket stops taking bytes
 * and the server's writes back up. The caller resumes it (or destroys it).
 */
export function openStalledGet(url: URL, sessionId: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "GET",
        headers: { accept: "text/event-stream", "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" },
      },
      (response) => {
        response.pause();
        resolve(response);
      },
    );
    get.on("error", reject);
    get.end();
  });
}

/** One MCPC message seen on a stream (only what the slow-consumer test checks). */
export interface SeenMcpc {
  type: string;
  event?: string;
  task_id?: string | null;
  seq?: number;
  /** Kept for server events other than `tick` (the flood's own), e.g. the `dropped` notice. */
  result?: unknown;
}

/**
 * Resumes a paused SSE response and reads it until `until` accepts an MCPC
 * message, or `timeoutMs` passes. Counts log notifications and keeps MCPC
 * messages in their order; parses only what it needs, so a large backlog reads fast.
 */
export function readSseUntil(
  response: IncomingMessage,
  until: (message: SeenMcpc) => boolean,
  timeoutMs: number,
): Promise<{ mcpc: SeenMcpc[]; logs: number; others: unknown[] }> {
  const mcpc: SeenMcpc[] = [];
  const others: unknown[] = [];
  let logs = 0;
  let buffer = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no terminal event within ${timeoutMs} ms; saw ${mcpc.length} MCPC messages, last ${JSON.stringify(mcpc.at(-1))}`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      response.off("data", onData);
      response.off("end", onEnd);
      if (error) reject(error);
      else resolve({ mcpc, logs, others });
    };
    const onEnd = () => finish(new Error(`the stream ended first; saw ${mcpc.length} MCPC messages`));
    const onData = (chunk: string) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (data === undefined) continue;
        const message = JSON.parse(data) as { method?: string; params?: SeenMcpc };
        if (message.method === "notifications/message") logs++;
        else if (message.method === "notifications/mcpc" && message.params) {
          const { type, event, task_id, seq, result } = message.params;
          const keep = type === "server_event" && event !== "tick";
          mcpc.push({ type, ...(event !== undefined && { event }), ...(task_id !== undefined && { task_id }), ...(seq !== undefined && { seq }), ...(keep && { result }) });
          if (until(message.params)) return finish();
        } else if (others.length < 100) others.push(message);
      }
    };
    response.setEncoding("utf8");
    response.on("data", onData);
    response.once("end", onEnd);
    response.resume();
  });
}
