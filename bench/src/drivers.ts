/**
 * Drivers: the ways the harness talks to a server. Each one spawns the server as a stdio
 * child process and hands back a {@link Conn}; the figures only ever use a Conn, so a new
 * way of calling (our own client in MCPC mode, say) is one more driver.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { now } from "./servers/common.js";

export interface ServerSpec {
  id: string;
  label: string;
  /** Compiled JS file run with plain `node`. */
  file: string;
}

export interface StreamOutcome {
  /** Updates received before (or with) the answer. */
  received: number;
  /** Emit-to-receipt lag of each update, ms (only when asked for). */
  lagsMs: number[];
  /**
   * Lateness from the call of each update, ms (only when asked for, with the lags):
   * receipt − (the call's send time + i × intervalMs) for update i, both on the client's clock.
   * Unlike the lag, it charges the server for work it queues before it takes its timestamp.
   */
  lateMs: number[];
}

export interface Conn {
  readonly pid: number;
  callStream(n: number, intervalMs: number, wantLags: boolean): Promise<StreamOutcome>;
  echo(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface Driver {
  id: string;
  label: string;
  /** The servers this driver can talk to (undefined: all). */
  only?: readonly string[];
  connect(server: ServerSpec): Promise<Conn>;
}

const LONG = 600_000;
const stderrMode = process.env.BENCH_DEBUG ? "inherit" : "ignore";
/**
 * Extra node flags for the servers (e.g. `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`,
 * for profiling a figure). With any, servers are not SIGKILLed but left to exit on stdin's
 * end, so that they write their profiles.
 */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);

function kill(pid: number): void {
  if (nodeArgs.length > 0) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Parses the timestamp a server put in an update's message. */
function lagOf(message: unknown): number {
  return now() - Number(message);
}

/**
 * Adds the lateness from the call of one update to `into`: receipt − (`sent` + i × `intervalMs`),
 * where i is the update's `progress` (the bench `stream` tool yields `progress: i`, 1-based)
 * and `sent` the client's {@link now} just before it sent the call. Only a whole i ≥ 1 counts:
 * anything else (mcpc's heartbeat repeats the last progress a thousandth higher) is not an
 * update that was due at a time of its own.
 */
export function addLateness(into: number[], sent: number, progress: unknown, intervalMs: number): void {
  const i = Number(progress);
  if (Number.isInteger(i) && i >= 1) into.push(now() - (sent + i * intervalMs));
}

/** The server as a stdio child process, for either client driver. */
function serverTransport(server: { file: string }): StdioClientTransport {
  return new StdioClientTransport({ command: process.execPath, args: [...nodeArgs, server.file], stderr: stderrMode });
}

function childPid(transport: StdioClientTransport, server: { id: string }): number {
  const pid = transport.pid;
  if (pid === null) throw new Error(`${server.id}: no child process`);
  return pid;
}

// ---------------------------------------------------------------------------
// (b) The SDK `Client` with a progressToken (the sync fallback for mcpc).

export const sdkClientDriver: Driver = {
  id: "sdk-client",
  label: "SDK Client + progressToken",
  async connect(server) {
    const transport = serverTransport(server);
    const client = new Client({ name: "mcpc-bench", version: "0.0.0" }, { capabilities: {} });
    await client.connect(transport);
    const pid = childPid(transport, server);
    return {
      pid,
      async callStream(n, intervalMs, wantLags) {
        let received = 0;
        const lagsMs: number[] = [];
        const lateMs: number[] = [];
        // Per call, just before it is sent: K calls issued in one loop each get their own.
        const sent = now();
        await client.callTool({ name: "stream", arguments: { n, intervalMs } }, undefined, {
          timeout: LONG,
          onprogress: (progress) => {
            received++;
            if (!wantLags) return;
            lagsMs.push(lagOf(progress.message));
            addLateness(lateMs, sent, progress.progress, intervalMs);
          },
        });
        return { received, lagsMs, lateMs };
      },
      async echo(text) {
        await client.callTool({ name: "echo", arguments: { text } }, undefined, { timeout: LONG });
      },
      async close() {
        kill(pid);
        await client.close();
      },
    };
  },
};

// ---------------------------------------------------------------------------
// (c) A bare line reader: no client library, the server's own ceiling.

type Id = string | number;
interface Waiter {
  resolve: (message: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** Speaks JSON-RPC over the child's pipes by hand; counts progress lines without parsing them. */
export class BareConn implements Conn {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  readonly pid: number;
  #buffer = "";
  #nextId = 1;
  readonly #waiting = new Map<Id, Waiter>();
  #progress = 0;
  #lags: number[] | undefined;
  #late: number[] | undefined;
  /** The current call's send time and pace, for its lateness. */
  #sent = 0;
  #intervalMs = 0;
  #exited: Error | undefined;

  constructor(server: ServerSpec) {
    this.child = spawn(process.execPath, [...nodeArgs, server.file], { stdio: ["pipe", "pipe", stderrMode] }) as ChildProcessByStdio<Writable, Readable, null>;
    if (this.child.pid === undefined) throw new Error(`${server.id}: could not spawn`);
    this.pid = this.child.pid;
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.#onData(chunk));
    this.child.stdin.on("error", () => undefined);
    this.child.once("exit", (code, signal) => {
      this.#exited = new Error(`${server.id} exited (code ${code}, signal ${signal})`);
      for (const waiter of this.#waiting.values()) waiter.reject(this.#exited);
      this.#waiting.clear();
    });
  }

  /** Sends `initialize` at once (even before the child reads) and waits for its answer. */
  initialize(): Promise<Record<string, unknown>> {
    return this.request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "mcpc-bench-bare", version: "0.0.0" },
    });
  }

  async handshake(): Promise<void> {
    await this.initialize();
    this.notify("notifications/initialized");
  }

  request(method: string, params?: unknown): Promise<Record<string, unknown>> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, ...(params !== undefined && { params }) })}\n`);
    return answer;
  }

  notify(method: string, params?: unknown): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method, ...(params !== undefined && { params }) })}\n`);
  }

  async callStream(n: number, intervalMs: number, wantLags: boolean): Promise<StreamOutcome> {
    this.#progress = 0;
    this.#lags = wantLags ? [] : undefined;
    this.#late = wantLags ? [] : undefined;
    this.#intervalMs = intervalMs;
    this.#sent = now();
    const answer = await this.request("tools/call", { name: "stream", arguments: { n, intervalMs }, _meta: { progressToken: "bare-1" } });
    if ("error" in answer) throw new Error(`stream failed: ${JSON.stringify(answer.error)}`);
    const lagsMs = this.#lags ?? [];
    const lateMs = this.#late ?? [];
    this.#lags = undefined;
    this.#late = undefined;
    return { received: this.#progress, lagsMs, lateMs };
  }

  async echo(text: string): Promise<void> {
    const answer = await this.request("tools/call", { name: "echo", arguments: { text } });
    if ("error" in answer) throw new Error(`echo failed: ${JSON.stringify(answer.error)}`);
  }

  close(): Promise<void> {
    kill(this.pid);
    this.child.stdin.destroy();
    this.child.stdout.destroy();
    return Promise.resolve();
  }

  #onData(chunk: string): void {
    let data = this.#buffer + chunk;
    let start = 0;
    let nl: number;
    while ((nl = data.indexOf("\n", start)) >= 0) {
      this.#onLine(data, start, nl);
      start = nl + 1;
    }
    data = data.slice(start);
    this.#buffer = data;
  }

  #onLine(data: string, start: number, end: number): void {
    // The hot path: a progress notification is counted, not parsed.
    const progressAt = data.indexOf('"notifications/progress"', start);
    if (progressAt >= 0 && progressAt < end) {
      this.#progress++;
      if (this.#lags && this.#late) {
        const line = data.slice(start, end);
        this.#lags.push(lagOf(/"message":"([0-9.]+)"/.exec(line)?.[1]));
        // `"progress":` and not `"progressToken"`: the update's index.
        addLateness(this.#late, this.#sent, /"progress":([0-9.]+)/.exec(line)?.[1], this.#intervalMs);
      }
      return;
    }
    const line = data.slice(start, end).trim();
    if (!line) return;
    const message = JSON.parse(line) as Record<string, unknown>;
    const id = message.id as Id | undefined;
    if (typeof message.method === "string") {
      // A request from the server (mcpc's ping barrier, say): answer it as an SDK client would.
      if (id !== undefined) this.child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, result: {} })}\n`);
      return;
    }
    if (id === undefined) return;
    const waiter = this.#waiting.get(id);
    if (!waiter) return;
    this.#waiting.delete(id);
    waiter.resolve(message);
  }
}

export const bareDriver: Driver = {
  id: "bare",
  label: "bare line reader",
  async connect(server) {
    const conn = new BareConn(server);
    await conn.handshake();
    return conn;
  },
};

// ---------------------------------------------------------------------------
// (a) mcpc through our own client in MCPC mode (`McpcClient` from `mcpc/client`).
//
// Loaded at run time, so a build without `mcpc/client` still runs every other figure
// (the mcpc rows "through our client" are then skipped with a message). The shapes
// below are the part of its API this driver uses.

interface McpcEventLike {
  event?: string;
  result?: unknown;
}
interface McpcHandleLike {
  events(): AsyncIterable<McpcEventLike>;
  result(): Promise<unknown>;
}
interface McpcClientLike {
  connect(transport: Transport): Promise<void>;
  callTool(name: string, args: Record<string, unknown>): Promise<McpcHandleLike>;
  close?(): Promise<void>;
}
export type McpcClientCtor = new (client: Client) => McpcClientLike;

/** The `McpcClient` class when `mcpc/client` is built, otherwise the reason it is not. */
export async function loadMcpcClient(): Promise<McpcClientCtor | string> {
  const specifier = "mcpc/client";
  try {
    const mod = (await import(specifier)) as { McpcClient?: McpcClientCtor };
    return mod.McpcClient ?? "mcpc/client has no McpcClient export";
  } catch (error) {
    return `mcpc/client is not available yet (${(error as Error).message.split("\n")[0]})`;
  }
}

export function mcpcClientDriver(McpcClient: McpcClientCtor): Driver {
  return {
    id: "mcpc-client",
    label: "McpcClient (MCPC mode)",
    only: ["mcpc"],
    async connect(server) {
      const transport = serverTransport(server);
      const inner = new Client({ name: "mcpc-bench", version: "0.0.0" }, { capabilities: {} });
      const client = new McpcClient(inner);
      await client.connect(transport);
      const pid = childPid(transport, server);
      return {
        pid,
        async callStream(n, intervalMs, wantLags) {
          // Before callTool, which resolves only once the server answered `created`.
          const sent = now();
          const handle = await client.callTool("stream", { n, intervalMs });
          let received = 0;
          const lagsMs: number[] = [];
          const lateMs: number[] = [];
          for await (const event of handle.events()) {
            if (event.event !== "update") continue;
            received++;
            if (!wantLags) continue;
            // An update's result is what the tool yielded: `{ progress: i, total, message }`, so the index is known.
            const update = event.result as { progress?: unknown; message?: unknown } | null;
            lagsMs.push(lagOf(update?.message));
            addLateness(lateMs, sent, update?.progress, intervalMs);
          }
          await handle.result();
          return { received, lagsMs, lateMs };
        },
        async echo(text) {
          await inner.callTool({ name: "echo", arguments: { text } }, undefined, { timeout: LONG });
        },
        async close() {
          kill(pid);
          await (client.close ? client.close() : inner.close());
        },
      };
    },
  };
}
