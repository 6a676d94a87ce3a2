/**
 * The fuzz target over Streamable HTTP: test/fixtures/fuzzServer.ts `--http` as a
 * child process on 127.0.0.1 (a free port), one initialized MCPC session, fed
 * one case at a time as concurrent POSTs (single messages, batches, noise).
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import fc from "fast-check";
import { fixture, packageRoot, tsxArgs } from "../e2e/harness.js";
import { type HttpSessionAddress, exchange, headers, readEvents } from "./httpExchange.js";
import { HARNESS_PREFIX, Ledger, type Violation, asAnswer } from "./ledger.js";
import { httpExamples } from "./examples.js";
import { type FuzzPost, fuzzPost } from "./mutations.js";
import { type Sent, WireContext } from "./sent.js";
import type { CaseOutcome, FuzzTarget, Timing } from "./target.js";
import { finalCallViolations, tail, until } from "./target.js";

const SERVER = fixture("fuzzServer.ts");
/** FUZZ_TRACE=<file>: every body sent (`>`) and every response (`<`: status, time, messages), for debugging a failure. */
const TRACE = process.env.FUZZ_TRACE || undefined;

/** A case: up to 24 POSTs sent at once. */
export const httpCase: fc.Arbitrary<FuzzPost[]> = fc.array(fuzzPost, { minLength: 1, maxLength: 24, size: "max" });

class HttpServer implements HttpSessionAddress {
  readonly child: ChildProcessWithoutNullStreams;
  readonly ledger = new Ledger();
  readonly context = new WireContext();
  url = new URL("http://127.0.0.1/");
  sessionId: string | undefined;
  stderr = "";
  #harness = 0;
  #wake: () => void = () => undefined;

  private constructor() {
    this.child = spawn(process.execPath, [...tsxArgs(SERVER), "--http"], { cwd: packageRoot, env: { ...process.env, NODE_OPTIONS: "" } });
    this.child.stdout.resume();
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
      if (this.stderr.length > 200_000) this.stderr = this.stderr.slice(-100_000);
      this.#wake();
    });
    this.child.once("exit", () => this.#wake());
  }

  /** Starts the server, waits (bounded) for its URL, and opens an MCPC session. */
  static async start(timing: Timing): Promise<HttpServer> {
    const server = new HttpServer();
    const listening = await until(() => /listening on (\S+)/.test(server.stderr) || !server.alive, 30_000, (wake) => (server.#wake = wake));
    const url = /listening on (\S+)/.exec(server.stderr)?.[1];
    if (!listening || url === undefined) {
      server.kill();
      throw new Error(`the HTTP fuzz server did not start:\n${server.stderr}`);
    }
    server.url = new URL(url);
    const initialize = {
      jsonrpc: "2.0",
      id: `${HARNESS_PREFIX}init`,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: { experimental: { mcpc: { version: "1.0" } } }, clientInfo: { name: "fuzz", version: "1.0.0" } },
    };
    const response = await fetch(server.url, { method: "POST", headers: headers(server), body: JSON.stringify(initialize) });
    server.sessionId = response.headers.get("mcp-session-id") ?? undefined;
    await response.text();
    if (server.sessionId === undefined) {
      server.kill();
      throw new Error(`the HTTP fuzz server opened no session (HTTP ${response.status}):\n${server.stderr}`);
    }
    await exchange(server, JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }), timing.sentinelMs);
    return server;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** One of the harness's own requests; its answer, or undefined. */
  async harnessRequest(method: string, params: Record<string, unknown>, timeoutMs: number, onMessage?: (message: unknown) => void): Promise<Record<string, unknown> | undefined> {
    const id = `${HARNESS_PREFIX}${this.#harness++}`;
    const result = await exchange(this, JSON.stringify({ jsonrpc: "2.0", id, method, params }), timeoutMs, onMessage);
    return result.messages.find((m) => asAnswer(m)?.id === id) as Record<string, unknown> | undefined;
  }

  kill(): void {
    if (this.alive) this.child.kill("SIGKILL");
  }
}

export class HttpTarget implements FuzzTarget<FuzzPost[]> {
  readonly name = "http";
  readonly arbitrary = httpCase;
  readonly examples = httpExamples;
  #server: HttpServer | undefined;
  #broken = false;
  /** Set by close(): an abandoned run (a timed-out test) must not start a server again. */
  #closed = false;

  constructor(readonly timing: Timing) {}

  get stderr(): string {
    return this.#server?.stderr ?? "";
  }

  async #ready(): Promise<HttpServer> {
    if (this.#closed) throw new Error(`the ${this.name} fuzz target is closed`);
    if (this.#server && this.#server.alive && !this.#broken) return this.#server;
    this.#server?.kill();
    this.#server = await HttpServer.start(this.timing);
    this.#broken = false;
    return this.#server;
  }

  async run(posts: FuzzPost[]): Promise<CaseOutcome> {
    const server = await this.#ready();
    server.context.startCase();
    const sent: Sent[] = posts.map((post) => server.context.body(post));
    for (const body of sent) server.ledger.record(body);
    await Promise.all(sent.map((body) => this.#post(server, body)));
    // The server must still answer a plain ping after the case.
    const sentinel = server.alive ? await server.harnessRequest("ping", {}, this.timing.sentinelMs) : undefined;
    const violations = server.ledger.close(sent);
    if (!server.alive) {
      violations.unshift({ property: "alive", what: `the server exited: code ${server.child.exitCode}, signal ${server.child.signalCode}; stderr ends:\n${tail(server.stderr)}` });
    } else if (!sentinel) {
      violations.unshift({ property: "alive", what: `the session stopped answering: a ping sent after the case got no answer in ${this.timing.sentinelMs} ms; stderr ends:\n${tail(server.stderr)}` });
    }
    if (violations.length > 0) this.#broken = violations.some((v) => v.property === "alive");
    return { messages: sent.reduce((sum, body) => sum + body.messages, 0), violations };
  }

  async #post(server: HttpServer, body: Sent): Promise<void> {
    const onMessage = (message: unknown) => {
      const answer = asAnswer(message);
      if (answer) server.ledger.answer(answer, body);
      if (answer && (typeof answer.id === "string" || typeof answer.id === "number")) server.context.answered(answer.id);
    };
    // Only a body with requests in it is closed early (once each is answered or cancelled): others are read to their end.
    const settled = () => body.requests.length > 0 && server.ledger.settled([body]);
    const started = Date.now();
    const mark = `#${started % 100_000}-${body.bytes.length}`;
    if (TRACE) appendFileSync(TRACE, `> ${mark} ${(body.bytes.length > 2_000 ? body.bytes.subarray(0, 2_000) : body.bytes).toString()}\n`);
    const result = await exchange(server, body.bytes, this.timing.answerMs, onMessage, settled);
    if (TRACE) {
      const got = result.messages.map((m) => JSON.stringify(m).slice(0, 2_000)).join("\n<   ");
      appendFileSync(TRACE, `< ${mark} HTTP ${result.status} in ${Date.now() - started} ms${result.timedOut ? " (timed out)" : ""}${result.error ? ` (${result.error})` : ""}\n<   ${got}\n`);
    }
    for (const text of result.notJson) {
      server.ledger.note({ property: "json", what: `a response body or SSE event that is not JSON: HTTP ${result.status}, ${JSON.stringify(text.slice(0, 300))}`, culprit: body });
    }
  }

  /** A normal call, a fallback call with progress and a background call (its events read from the GET stream), on the fuzzed session. */
  async finalCheck(): Promise<Violation[]> {
    const server = this.#server;
    if (!server || !server.alive) return [{ property: "alive", what: `the server is not running after the run: stderr ends:\n${tail(this.stderr)}` }];
    const timeout = this.timing.sentinelMs;
    const events: Array<Record<string, unknown>> = [];
    const onMessage = (message: unknown) => {
      const m = message as { method?: unknown; params?: Record<string, unknown> };
      if (m.method === "notifications/mcpc" && m.params) events.push(m.params);
    };
    const add = await server.harnessRequest("tools/call", { name: "add", arguments: { a: 2, b: 40 } }, timeout);
    const fallback = await server.harnessRequest("tools/call", { name: "count", arguments: { n: 2 }, _meta: { progressToken: "harness" } }, timeout);
    const taskId = `${HARNESS_PREFIX}task-${Date.now()}`;
    const created = await server.harnessRequest("tools/call", { name: "count", arguments: { n: 3 }, _meta: { "mcpc/task": { task_id: taskId } } }, timeout, onMessage);
    const terminal = () => events.find((e) => e.task_id === taskId && (e.event === "complete" || e.event === "failed" || e.event === "cancelled"));
    if (created && terminal() === undefined) await this.#readGetStream(server, onMessage, () => terminal() !== undefined, timeout);
    return [...finalCallViolations({ add, fallback, created, terminal: terminal() }), ...server.ledger.close([])];
  }

  /** Reads the session's GET stream (bounded) until `done()`. */
  async #readGetStream(server: HttpServer, onMessage: (message: unknown) => void, done: () => boolean, timeoutMs: number): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const { "content-type": _type, ...get } = headers(server);
      const response = await fetch(server.url, { method: "GET", headers: { ...get, accept: "text/event-stream" }, signal: controller.signal });
      if (!response.body) return;
      await readEvents(
        response.body,
        (data) => {
          try {
            onMessage(JSON.parse(data));
          } catch {
            server.ledger.note({ property: "json", what: `an SSE event on the GET stream that is not JSON: ${JSON.stringify(data.slice(0, 300))}` });
          }
          if (done()) controller.abort();
        },
        controller.signal,
      );
    } catch {
      // Aborted: done, or out of time (the caller sees which).
    } finally {
      clearTimeout(timer);
    }
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
