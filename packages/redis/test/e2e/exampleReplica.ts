/**
 * A replica of examples/process-data for the end-to-end tests: its built
 * server, over Streamable HTTP on a free port of 127.0.0.1, with `--redis`,
 * `--token`, `--replica-id` and `--lease-ms`. Everything started here is
 * stopped by {@link stopReplicas} (afterEach), even when a test failed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("../../../../examples/process-data/dist/server.js", import.meta.url));

const started: ExampleReplica[] = [];

/** What a replica is started with. */
export interface ReplicaOptions {
  redisUrl: string;
  replicaId: string;
  tokens: string[];
  leaseMs?: number;
  /** The length of each of `process_data`'s five steps (PROCESS_DATA_STEP_MS). */
  stepMs: number;
}

export class ExampleReplica {
  readonly id: string;
  readonly url: URL;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #exited: Promise<void>;
  #stderr: string;

  private constructor(id: string, url: URL, child: ChildProcessWithoutNullStreams, stderr: string) {
    this.id = id;
    this.url = url;
    this.#child = child;
    this.#stderr = stderr;
    child.stderr.on("data", (chunk: Buffer) => (this.#stderr += chunk.toString()));
    this.#exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
  }

  /** Starts a replica and resolves once it serves (it printed its URL). */
  static async start(options: ReplicaOptions): Promise<ExampleReplica> {
    if (!existsSync(SERVER)) {
      throw new Error(`${SERVER} is missing: build the example first (pnpm --filter @mcpc-examples/process-data build; CI builds everything before testing).`);
    }
    const args = [SERVER, "--http", "--port", "0", "--redis", options.redisUrl, "--replica-id", options.replicaId];
    for (const token of options.tokens) args.push("--token", token);
    if (options.leaseMs !== undefined) args.push("--lease-ms", String(options.leaseMs));
    const child = spawn(process.execPath, args, { env: { ...process.env, PROCESS_DATA_STEP_MS: String(options.stepMs) } });
    child.stdout.resume();
    let stderr = "";
    const url = await new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`replica ${options.replicaId} printed no URL within 15 s:\n${stderr}`)), 15_000);
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /serving Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(new URL(match[1]));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`replica ${options.replicaId} exited (${String(code)}) before serving:\n${stderr}`));
      });
    });
    const replica = new ExampleReplica(options.replicaId, url, child, stderr);
    started.push(replica);
    return replica;
  }

  /** Everything the replica wrote to stderr so far. */
  get stderr(): string {
    return this.#stderr;
  }

  /** True while the process runs. */
  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** `kill -9`: no shutdown, no lease given up. */
  async kill(): Promise<void> {
    if (this.alive) this.#child.kill("SIGKILL");
    await this.#exited;
  }

  /** SIGTERM: the graceful shutdown; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.alive) this.#child.kill("SIGTERM");
    await this.#exited;
    return this.#child.exitCode;
  }
}

/** Stops every replica still running (SIGKILL: a test over needs no grace). */
export async function stopReplicas(): Promise<void> {
  await Promise.all(started.splice(0).map((replica) => replica.kill()));
}
