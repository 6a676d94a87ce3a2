/**
 * A real `redis-server` for tests: started on a free port of 127.0.0.1 with a
 * temporary directory, no persistence, and stopped (directory removed) by the
 * test that started it.
 *
 * Where no `redis-server` is on PATH the Redis tests are skipped, saying why;
 * where `CI` is set they fail instead, so CI can never skip them silently.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** The `redis-server` binary, when there is one. */
export const REDIS_SERVER = onPath("redis-server");

/** Why the Redis tests do not run here, or undefined when they do. */
export const SKIP_REASON = REDIS_SERVER
  ? undefined
  : "no redis-server on PATH: the Redis tests are skipped (install it: apt-get install redis-server; CI installs it and fails without it)";

if (SKIP_REASON !== undefined) {
  if (process.env.CI) throw new Error(`CI is set and ${SKIP_REASON.replace(": the Redis tests are skipped", "")}; the Redis tests must run in CI.`);
  process.stderr.write(`[@mcpc/redis tests] ${SKIP_REASON}\n`);
}

/** A port nobody listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

/** One redis-server process under test. */
export class RedisServer {
  readonly port: number;
  readonly #dir: string;
  readonly #appendOnly: boolean;
  #process: ChildProcess | undefined;

  private constructor(port: number, dir: string, appendOnly: boolean) {
    this.port = port;
    this.#dir = dir;
    this.#appendOnly = appendOnly;
  }

  /** Starts a server on a free port; with `appendOnly`, what it holds survives {@link pause} and {@link restart} (AOF in its directory). */
  static async start(options: { appendOnly?: boolean } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), "mcpc-redis-")), options.appendOnly ?? false);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the process again on the same port (after {@link pause}); resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.#process) return;
    if (!REDIS_SERVER) throw new Error(SKIP_REASON);
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", this.#appendOnly ? "yes" : "no", "--dir", this.#dir];
    const child = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#process = child;
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          child.stdout?.off("data", onData);
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.once("exit", (code) => reject(new Error(`redis-server exited (${String(code)}) before it was ready:\n${output}`)));
    });
    // Keep reading so a full pipe never blocks the server.
    child.stdout?.resume();
    child.stderr?.resume();
  }

  /** Stops the process (SIGTERM) and waits for it to exit; {@link restart} starts it again on the same port. */
  async pause(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      // A frozen server must run again to hear SIGTERM.
      child.kill("SIGCONT");
      child.kill("SIGTERM");
    });
  }

  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. A hung Redis. */
  freeze(): void {
    this.#process?.kill("SIGSTOP");
  }

  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void {
    this.#process?.kill("SIGCONT");
  }

  /** Stops the process and removes its directory. */
  async stop(): Promise<void> {
    await this.pause();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
