/**
 * One replica of the bench's mcpc HTTP server (servers/mcpcReplica.ts) as a child
 * process on 127.0.0.1 at a port chosen at run time, given its store on the command
 * line: like http/serverProcess.ts, which starts a server with its port alone.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { freePort } from "../http/serverProcess.js";
import { MCP_PATH } from "../servers/common.js";
import { onExitCleanup } from "./exitCleanup.js";

// From src/ (tests) and dist/ alike: the servers always run compiled.
const SERVER_FILE = fileURLToPath(new URL("../../dist/servers/mcpcReplica.js", import.meta.url));
const stderrMode = process.env.BENCH_DEBUG ? "inherit" : "ignore";
/** As for the other parts: extra node flags (profiling), and then SIGTERM instead of SIGKILL so profiles get written. */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
/** Longer than the HTTP part's: a replica on Redis connects and takes its lease before it listens. */
const START_TIMEOUT_MS = 30_000;

/** Where a replica keeps its tasks: Redis at `url` under the name `replicaId`, or (undefined) its own memory. */
export interface ReplicaStore {
  url: string;
  replicaId: string;
}

export class ReplicaProcess {
  readonly pid: number;
  readonly url: URL;
  readonly #child: ChildProcessByStdio<null, Readable, null>;
  readonly #forget: () => void;

  private constructor(child: ChildProcessByStdio<null, Readable, null>, port: number, forget: () => void) {
    this.#child = child;
    this.pid = child.pid ?? -1;
    this.url = new URL(`http://127.0.0.1:${port}${MCP_PATH}`);
    this.#forget = forget;
  }

  /**
   * Spawns a replica and resolves once it listens (one retry on another port, should the chosen one be taken meanwhile).
   * @throws Error when it exits or does not listen within 30 s
   */
  static async start(store: ReplicaStore | undefined): Promise<ReplicaProcess> {
    try {
      return await ReplicaProcess.#startOnce(store, await freePort());
    } catch {
      return ReplicaProcess.#startOnce(store, await freePort());
    }
  }

  static #startOnce(store: ReplicaStore | undefined, port: number): Promise<ReplicaProcess> {
    const args = [...nodeArgs, SERVER_FILE, String(port), ...(store ? [store.url, store.replicaId] : [])];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", stderrMode] });
    const name = store ? `replica ${store.replicaId}` : "replica (memory store)";
    const forget = onExitCleanup(() => child.kill("SIGKILL"));
    return new Promise((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(() => fail(new Error(`${name}: not listening after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill("SIGKILL");
        forget();
        reject(error);
      };
      const onData = (chunk: string) => {
        seen = (seen + chunk).slice(-4096);
        if (!/^listening \d+$/m.test(seen)) return;
        clearTimeout(timer);
        child.off("exit", onExit);
        child.stdout.off("data", onData);
        // Keep reading (and dropping) stdout: a full pipe would block the server.
        child.stdout.resume();
        resolve(new ReplicaProcess(child, port, forget));
      };
      const onExit = (code: number | null, signal: string | null) => fail(new Error(`${name} exited before listening (code ${code}, signal ${signal})`));
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", onData);
      child.once("exit", onExit);
      child.once("error", fail);
    });
  }

  /** Kills the replica and waits for it to be gone (its CPU no longer shared with the next measurement). */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
      this.#child.kill(nodeArgs.length > 0 ? "SIGTERM" : "SIGKILL");
      await exited;
    }
    this.#forget();
  }
}
