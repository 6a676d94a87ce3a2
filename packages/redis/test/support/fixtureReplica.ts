/**
 * The lease tests' replica (test/fixtures/replica.ts) as a child process, to be
 * killed with `-9`. Everything started here is killed by {@link killReplicas}
 * (afterEach), even when a test failed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const FIXTURE = fileURLToPath(new URL("../fixtures/replica.ts", import.meta.url));
const LOAD_TIMEOUT_MS = 20_000;

const started = new Set<FixtureReplica>();

export interface FixtureOptions {
  url: string;
  prefix: string;
  replicaId: string;
  leaseMs: number;
  /** Tasks it starts (each yields once, then waits for ever). Default 1. */
  tasks?: number;
}

export class FixtureReplica {
  readonly replicaId: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  readonly #lines: string[] = [];
  #onLine: (() => void) | undefined;
  #stderr = "";

  private constructor(options: FixtureOptions, gated: boolean) {
    this.replicaId = options.replicaId;
    const args = ["--import", "tsx", FIXTURE, options.url, options.prefix, options.replicaId, String(options.leaseMs), String(options.tasks ?? 1)];
    if (gated) args.push("gated");
    this.#child = spawn(process.execPath, args, { stdio: [gated ? "pipe" : "ignore", "pipe", "pipe"] });
    started.add(this);
    let buffered = "";
    this.#child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
        this.#lines.push(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
      }
      this.#onLine?.();
    });
    this.#child.stderr?.on("data", (chunk: Buffer) => (this.#stderr += chunk.toString()));
    this.#exited = new Promise((resolve) => this.#child.once("exit", () => resolve()));
  }

  /** Starts one and resolves once its tasks are in Redis. */
  static async start(options: FixtureOptions): Promise<{ replica: FixtureReplica; tasks: string[] }> {
    const replica = new FixtureReplica(options, false);
    return { replica, tasks: await replica.#tasks() };
  }

  /** Starts one that loads and waits: {@link open} lets it connect, within milliseconds. */
  static async loaded(options: FixtureOptions): Promise<FixtureReplica> {
    const replica = new FixtureReplica(options, true);
    const line = await replica.#nextLine();
    if (line !== "loaded") throw new Error(`replica ${options.replicaId} printed ${line} instead of "loaded"`);
    return replica;
  }

  /** Lets a replica started with {@link loaded} connect; resolves once its tasks are in Redis. */
  open(): Promise<string[]> {
    this.#child.stdin?.write("go\n");
    return this.#tasks();
  }

  /** `kill -9`: no shutdown, no lease given up. */
  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill("SIGKILL");
    await this.#exited;
    started.delete(this);
  }

  async #tasks(): Promise<string[]> {
    const line = await this.#nextLine();
    return (JSON.parse(line) as { tasks: string[] }).tasks;
  }

  #nextLine(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        this.#onLine = undefined;
        return true;
      };
      const fail = (why: string): void => {
        if (settle()) reject(new Error(`replica ${this.replicaId} ${why}:\n${this.#stderr}`));
      };
      const timer = setTimeout(() => fail(`printed nothing within ${LOAD_TIMEOUT_MS} ms`), LOAD_TIMEOUT_MS);
      const check = (): void => {
        const line = this.#lines[0];
        if (line === undefined || !settle()) return;
        this.#lines.shift();
        resolve(line);
      };
      this.#onLine = check;
      void this.#exited.then(() => fail("exited"));
      check();
    });
  }
}

/** Kills every fixture replica still running. */
export async function killReplicas(): Promise<void> {
  await Promise.all([...started].map((replica) => replica.kill()));
}
