/**
 * A server child process on stdio, spoken to in raw JSON lines, for what no SDK
 * client does: stalling its reads, closing its pipes, never answering pings,
 * sending lines no client would. Messages are parsed once, as they arrive.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { INITIALIZE, packageRoot, tsxArgs } from "./harness.js";

export type Message = Record<string, unknown>;

export interface StdioChildOptions {
  /** Extra environment for the child. */
  env?: Record<string, string>;
  /** Answer the server's `ping` requests (as every real client does). Default true. */
  answerPings?: boolean;
}

export class StdioChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** Every stdout line, parsed, in order. */
  readonly messages: Message[] = [];
  /** Lines that were not JSON (there should be none). */
  readonly garbage: string[] = [];
  stderr = "";
  #tail = "";
  #waiters = new Set<() => void>();
  readonly #answerPings: boolean;

  constructor(file: string, options: StdioChildOptions = {}) {
    this.#answerPings = options.answerPings ?? true;
    this.child = spawn(process.execPath, tsxArgs(file), {
      cwd: packageRoot,
      env: { ...process.env, NODE_OPTIONS: "", ...options.env },
    });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.#read(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.#wake();
    });
    this.child.once("exit", () => this.#wake());
    // Writes to a child that exited fail with EPIPE: the test reads the exit instead.
    this.child.stdin.on("error", () => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(message: Message | string): void {
    const line = typeof message === "string" ? message : JSON.stringify(message);
    this.child.stdin.write(line.endsWith("\n") ? line : `${line}\n`);
  }

  /** Sends `initialize` (declaring MCPC when `mcpc`) and `notifications/initialized`; resolves with the answer. */
  async initialize(mcpc: boolean, id: number | string = "init"): Promise<Message> {
    this.send(INITIALIZE(id, mcpc));
    const answer = await this.waitFor((m) => m.id === id && ("result" in m || "error" in m), `the answer to initialize`);
    this.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return answer;
  }

  /** Sends a request and waits for its answer (result or error). */
  async request(id: number | string, method: string, params?: unknown): Promise<Message> {
    this.send({ jsonrpc: "2.0", id, method, ...(params !== undefined && { params }) });
    return this.answer(id);
  }

  answer(id: unknown, timeoutMs?: number): Promise<Message> {
    return this.waitFor((m) => m.id === id && !("method" in m), `the answer to request ${JSON.stringify(id)}`, timeoutMs);
  }

  /** Waits for a message `match` accepts (checking each message once); fails after `timeoutMs` with what it saw. */
  waitFor(match: (message: Message) => boolean, what: string, timeoutMs = 15_000): Promise<Message> {
    let seen = 0;
    const scan = () => {
      for (; seen < this.messages.length; seen++) {
        const message = this.messages[seen] as Message;
        if (match(message)) return message;
      }
      return undefined;
    };
    return this.until(scan, what, timeoutMs);
  }

  /** Waits until `check` returns a value (re-checked whenever output or an exit arrives). */
  until<T>(check: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const found = check();
        if (found === undefined) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.messages.length} messages; stderr:\n${this.stderr.slice(-2_000)}`));
      }, timeoutMs);
      const waiter = () => void attempt();
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
      attempt();
    });
  }

  /** Stops reading the child's stdout: its pipe fills and its writes wait (a stalled client). */
  stallReading(): void {
    this.child.stdout.pause();
  }

  resumeReading(): void {
    this.child.stdout.resume();
  }

  /** The child's resident set size, from /proc (kB). */
  rssKb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) : Number.NaN;
  }

  exited(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  #read(chunk: string): void {
    let text = this.#tail + chunk;
    let start = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start)) {
      this.#line(text.slice(start, end));
      start = end + 1;
    }
    text = text.slice(start);
    this.#tail = text;
    this.#wake();
  }

  #line(line: string): void {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      this.garbage.push(line);
      return;
    }
    this.messages.push(message);
    if (this.#answerPings && message.method === "ping" && message.id !== undefined) this.send({ jsonrpc: "2.0", id: message.id, result: {} });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
