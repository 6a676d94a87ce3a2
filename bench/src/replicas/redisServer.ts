/**
 * The bench's own `redis-server`: on a free port of 127.0.0.1, in a temporary
 * directory, without persistence (`--save '' --appendonly no`, so no fork or disk
 * write lands in a measurement), and stopped whatever happens, Ctrl-C included.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "../http/serverProcess.js";
import { onExitCleanup } from "./exitCleanup.js";
import { redisCommand } from "./redisCommand.js";

const START_TIMEOUT_MS = 10_000;

/** The path of `redis-server` on PATH, or undefined where there is none. */
export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** One running redis-server. */
export class BenchRedis {
  readonly port: number;
  readonly pid: number;
  /** Its version as it logs it at start (`7.0.15`), for the report. */
  readonly version: string;
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #forget: () => void;

  private constructor(child: ChildProcess, port: number, dir: string, version: string, forget: () => void) {
    this.#child = child;
    this.port = port;
    this.pid = child.pid ?? -1;
    this.#dir = dir;
    this.version = version;
    this.#forget = forget;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts `binary` on a free port and resolves once it accepts connections.
   * @throws Error when it exits or is not ready within 10 s (its output attached)
   */
  static async start(binary: string): Promise<BenchRedis> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "mcpc-bench-redis-"));
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    const forget = onExitCleanup(() => kill(child, dir));
    let output = "";
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`redis-server not ready after ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (!output.includes("Ready to accept connections")) return;
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          child.off("exit", onExit);
          resolve();
        };
        const onExit = (code: number | null) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited (code ${code}) before it was ready:\n${output}`));
        };
        child.stdout?.on("data", onData);
        child.once("exit", onExit);
        child.once("error", reject);
      });
    } catch (error) {
      kill(child, dir);
      forget();
      throw error;
    }
    // Keep reading: a full pipe would block the server's logging.
    child.stdout?.resume();
    child.stderr?.resume();
    return new BenchRedis(child, port, dir, /version=([^,\s]+)/.exec(output)?.[1] ?? "?", forget);
  }

  /** Empties every database: each measurement with the Redis store starts from nothing. */
  async flushAll(): Promise<void> {
    await redisCommand(this.port, ["FLUSHALL"]);
  }

  /** Stops the server (SIGTERM, then SIGKILL if it lingers) and removes its directory. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      });
    }
    rmSync(this.#dir, { recursive: true, force: true });
    this.#forget();
  }
}

/** The synchronous path for a failed start or an interrupted run: no waiting, nothing left behind. */
function kill(child: ChildProcess, dir: string): void {
  child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
