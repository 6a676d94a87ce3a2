/**
 * An HTTP bench server as a child process on 127.0.0.1: the harness picks a free
 * port, spawns `node <file> <port>`, and waits for the `listening` line the
 * server prints once its socket is bound (the end of "cold start to listening").
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { createServer } from "node:net";
import type { Readable } from "node:stream";
import { MCP_PATH } from "../servers/common.js";

export interface HttpServerSpec {
  id: string;
  label: string;
  /** Compiled JS file run with plain `node`, given the port as its argument. */
  file: string;
}

const stderrMode = process.env.BENCH_DEBUG ? "inherit" : "ignore";
/**
 * Extra node flags for the servers (e.g. `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`,
 * for profiling a figure). With any, servers are stopped with SIGTERM (they exit 0 on it), so
 * that they write their profiles.
 */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
/** A server that is not listening after this long failed to start. */
const START_TIMEOUT_MS = 20_000;

/** A port nobody listens on right now: bound on 0 and released (another process may take it first; `start` then fails). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export class HttpServerProcess {
  readonly spec: HttpServerSpec;
  readonly pid: number;
  readonly url: URL;
  /** Spawn → `listening` line, ms. */
  readonly listenMs: number;
  readonly #child: ChildProcessByStdio<null, Readable, null>;

  private constructor(spec: HttpServerSpec, child: ChildProcessByStdio<null, Readable, null>, port: number, listenMs: number) {
    this.spec = spec;
    this.#child = child;
    this.pid = child.pid ?? -1;
    this.url = new URL(`http://127.0.0.1:${port}${MCP_PATH}`);
    this.listenMs = listenMs;
  }

  /** Spawns the server and resolves once it listens (one retry on another port, should the chosen one be taken meanwhile). */
  static async start(spec: HttpServerSpec): Promise<HttpServerProcess> {
    try {
      return await HttpServerProcess.#startOnce(spec, await freePort());
    } catch {
      return HttpServerProcess.#startOnce(spec, await freePort());
    }
  }

  static #startOnce(spec: HttpServerSpec, port: number): Promise<HttpServerProcess> {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, spec.file, String(port)], { stdio: ["ignore", "pipe", stderrMode] });
    return new Promise((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(() => fail(new Error(`${spec.id}: not listening after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        reject(error);
      };
      const onData = (chunk: string) => {
        // fastmcp logs to stdout too: only the line we wait for counts.
        seen = (seen + chunk).slice(-4096);
        if (!/^listening \d+$/m.test(seen)) return;
        const listenMs = performance.now() - t0;
        clearTimeout(timer);
        child.off("exit", onExit);
        // Keep reading (and dropping) stdout: a full pipe would block the server's logging.
        child.stdout.off("data", onData);
        child.stdout.resume();
        resolve(new HttpServerProcess(spec, child, port, listenMs));
      };
      const onExit = (code: number | null, signal: string | null) => fail(new Error(`${spec.id} exited before listening (code ${code}, signal ${signal})`));
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", onData);
      child.once("exit", onExit);
      child.once("error", fail);
    });
  }

  /** Kills the server and waits for it to be gone (its port free, its CPU no longer shared). */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#child.kill(nodeArgs.length > 0 ? "SIGTERM" : "SIGKILL");
    await exited;
  }
}
