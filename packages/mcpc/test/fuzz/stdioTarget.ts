/**
 * The fuzz target over stdio: test/fixtures/fuzzServer.ts as a child process, one
 * initialized MCPC session, fed one case at a time as JSON lines.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import fc from "fast-check";
import { INITIALIZE, fixture, packageRoot, tsxArgs } from "../e2e/harness.js";
import { HARNESS_PREFIX, Ledger, type Violation, asAnswer } from "./ledger.js";
import { stdioExamples } from "./examples.js";
import { type FuzzItem, fuzzItem } from "./mutations.js";
import { type Sent, WireContext } from "./sent.js";
import type { CaseOutcome, FuzzTarget, Timing } from "./target.js";
import { finalCallViolations, tail, until } from "./target.js";

const SERVER = fixture("fuzzServer.ts");
const NEWLINE = Buffer.from("\n");
/** FUZZ_TRACE=<file>: every line sent (`>`) and received (`<`), in order, for debugging a failure. */
const TRACE = process.env.FUZZ_TRACE || undefined;

/** A case: up to 40 lines, written in one go (so the server reads several per chunk). */
export const stdioCase: fc.Arbitrary<FuzzItem[]> = fc.array(fuzzItem, { minLength: 1, maxLength: 40, size: "max" });

class StdioServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly ledger = new Ledger();
  readonly context = new WireContext();
  readonly harnessAnswers = new Map<string, Record<string, unknown>>();
  readonly events: Array<Record<string, unknown>> = [];
  stderr = "";
  #buffer = "";
  #wake: () => void = () => undefined;

  constructor() {
    this.child = spawn(process.execPath, tsxArgs(SERVER), { cwd: packageRoot, env: { ...process.env, NODE_OPTIONS: "" } });
    // A write to a server that just died fails with EPIPE: the "alive" property reports it, not a crash of the test.
    this.child.stdin.on("error", () => undefined);
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.#read(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
      if (this.stderr.length > 200_000) this.stderr = this.stderr.slice(-100_000);
    });
    this.child.once("exit", () => this.#wake());
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  write(bytes: Buffer): void {
    if (TRACE) appendFileSync(TRACE, Buffer.concat([Buffer.from("> "), bytes.length > 2_000 ? bytes.subarray(0, 2_000) : bytes, NEWLINE]));
    if (this.alive) this.child.stdin.write(bytes);
  }

  /** Waits (bounded) until `done()` holds, waking at each line the server writes. */
  wait(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return until(done, timeoutMs, (wake) => (this.#wake = wake));
  }

  async harnessRequest(name: string, method: string, params: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown> | undefined> {
    const id = `${HARNESS_PREFIX}${name}`;
    this.write(Buffer.from(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`));
    await this.wait(() => this.harnessAnswers.has(id) || !this.alive, timeoutMs);
    return this.harnessAnswers.get(id);
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    let end;
    while ((end = this.#buffer.indexOf("\n")) >= 0) {
      const line = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 1);
      this.#line(line);
    }
    this.#wake();
  }

  #line(line: string): void {
    if (TRACE) appendFileSync(TRACE, `< ${line.slice(0, 2_000)}\n`);
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.ledger.note({ property: "json", what: `a stdout line that is not JSON: ${JSON.stringify(line.length > 300 ? `${line.slice(0, 300)}…` : line)}` });
      return;
    }
    const m = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
    if (typeof m.method === "string" && Object.hasOwn(m, "id")) {
      // The server's own requests: answer its pings (the fallback's barrier waits for them) as a real client does.
      const reply = m.method === "ping" ? { result: {} } : { error: { code: -32601, message: "not offered by the fuzz client" } };
      this.write(Buffer.from(`${JSON.stringify({ jsonrpc: "2.0", id: m.id, ...reply })}\n`));
      return;
    }
    if (m.method === "notifications/mcpc") this.events.push(m.params as Record<string, unknown>);
    const answer = asAnswer(message);
    if (!answer) return;
    if (typeof answer.id === "string" && answer.id.startsWith(HARNESS_PREFIX)) this.harnessAnswers.set(answer.id, m);
    else this.ledger.answer(answer);
    if (typeof answer.id === "string" || typeof answer.id === "number") this.context.answered(answer.id);
  }

  kill(): void {
    if (this.alive) this.child.kill("SIGKILL");
  }
}

/** The fuzz target over stdio. A server that died or stopped answering is replaced before the next case. */
export class StdioTarget implements FuzzTarget<FuzzItem[]> {
  readonly name = "stdio";
  readonly arbitrary = stdioCase;
  readonly examples = stdioExamples;
  #server: StdioServer | undefined;
  #broken = false;
  /** Set by close(): an abandoned run (a timed-out test) must not start a server again. */
  #closed = false;
  #sentinels = 0;

  constructor(readonly timing: Timing) {}

  get stderr(): string {
    return this.#server?.stderr ?? "";
  }

  async #ready(): Promise<StdioServer> {
    if (this.#closed) throw new Error(`the ${this.name} fuzz target is closed`);
    if (this.#server && this.#server.alive && !this.#broken) return this.#server;
    this.#server?.kill();
    const server = new StdioServer();
    this.#server = server;
    this.#broken = false;
    server.write(Buffer.from(`${INITIALIZE(0, true).replace('"id":0', `"id":"${HARNESS_PREFIX}init"`)}\n`));
    await server.wait(() => server.harnessAnswers.has(`${HARNESS_PREFIX}init`) || !server.alive, 30_000);
    if (!server.harnessAnswers.has(`${HARNESS_PREFIX}init`)) throw new Error(`the stdio fuzz server did not initialize:\n${server.stderr}`);
    server.write(Buffer.from(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`));
    return server;
  }

  async run(items: FuzzItem[]): Promise<CaseOutcome> {
    const server = await this.#ready();
    server.context.startCase();
    const sent: Sent[] = items.map((item) => server.context.line(item));
    for (const line of sent) server.ledger.record(line);
    server.write(Buffer.concat(sent.flatMap((line) => [line.bytes, NEWLINE])));
    // A ping behind the case: once it is answered, the server has read every line of the case.
    const sentinel = await server.harnessRequest(`sentinel-${this.#sentinels++}`, "ping", {}, this.timing.sentinelMs);
    if (sentinel) await server.wait(() => server.ledger.settled(sent) || !server.alive, this.timing.answerMs);
    const violations = server.ledger.close(sent);
    if (!server.alive) {
      violations.unshift({ property: "alive", what: `the server exited: code ${server.child.exitCode}, signal ${server.child.signalCode}; stderr ends:\n${tail(server.stderr)}` });
    } else if (!sentinel) {
      violations.unshift({ property: "alive", what: `the server stopped answering: a ping sent after the case got no answer in ${this.timing.sentinelMs} ms; stderr ends:\n${tail(server.stderr)}` });
    }
    if (violations.length > 0) this.#broken = violations.some((v) => v.property === "alive");
    return { messages: sent.reduce((sum, line) => sum + line.messages, 0), violations };
  }

  /** A normal call, a fallback call with progress and a background call, on the fuzzed session. */
  async finalCheck(): Promise<Violation[]> {
    const server = this.#server;
    if (!server || !server.alive) return [{ property: "alive", what: `the server is not running after the run: stderr ends:\n${tail(this.stderr)}` }];
    const timeout = this.timing.sentinelMs;
    const add = await server.harnessRequest("add", "tools/call", { name: "add", arguments: { a: 2, b: 40 } }, timeout);
    const fallback = await server.harnessRequest("fallback", "tools/call", { name: "count", arguments: { n: 2 }, _meta: { progressToken: "harness" } }, timeout);
    const taskId = `${HARNESS_PREFIX}task-${Date.now()}`;
    const created = await server.harnessRequest("background", "tools/call", { name: "count", arguments: { n: 3 }, _meta: { "mcpc/task": { task_id: taskId } } }, timeout);
    const terminal = () => server.events.find((e) => e.task_id === taskId && (e.event === "complete" || e.event === "failed" || e.event === "cancelled"));
    await server.wait(() => terminal() !== undefined, timeout);
    return [...finalCallViolations({ add, fallback, created, terminal: terminal() }), ...server.ledger.close([])];
  }

  async close(): Promise<void> {
    this.#closed = true;
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    const exited = new Promise<void>((resolve) => (server.alive ? server.child.once("exit", () => resolve()) : resolve()));
    server.kill();
    await exited;
  }
}
