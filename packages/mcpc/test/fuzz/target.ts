/** What the fuzz runner needs of a transport, and the checks both transports share. */
import type fc from "fast-check";
import type { Violation } from "./ledger.js";

/** How long the fuzzer waits. Every wait is bounded. The runner shortens `answerMs` while it shrinks. */
export interface Timing {
  /** After a case was read, how long its requests may take to be answered. */
  answerMs: number;
  /** The same while shrinking a failure: each failing candidate waits this long, and there are many. */
  shrinkAnswerMs: number;
  /** How long the server may take to answer a ping (or a final call) before it counts as stuck. */
  sentinelMs: number;
}

export interface CaseOutcome {
  /** JSON-RPC messages sent (a batch counts its elements; a line of garbage counts one). */
  messages: number;
  violations: Violation[];
}

/** One transport to fuzz: a server it starts (again, after one died), cases it sends, final checks. */
export interface FuzzTarget<Case> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<Case>;
  /** Cases run first, whatever the seed. */
  readonly examples: Case[];
  /** The server's stderr so far (for a failure report). */
  readonly stderr: string;
  run(testCase: Case): Promise<CaseOutcome>;
  finalCheck(): Promise<Violation[]>;
  close(): Promise<void>;
}

/**
 * Waits until `done()` holds or `timeoutMs` passed; `register` hands over a
 * function that wakes the wait early (called on each message the server writes).
 * The short timer only bounds how late a wake-up can be missed.
 */
export async function until(done: () => boolean, timeoutMs: number, register: (wake: () => void) => void): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done()) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(left, 100));
      register(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** The last lines of a server's stderr, for a report. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

type Message = Record<string, unknown> | undefined;

/**
 * Property 5 from the answers to the final calls: `add` 2 + 40, a fallback call of
 * a background tool with progress, and a tagged background call with its terminal event.
 */
export function finalCallViolations(calls: { add: Message; fallback: Message; created: Message; terminal: Message }): Violation[] {
  const violations: Violation[] = [];
  const fail = (what: string) => violations.push({ property: "normal-call", what });
  const result = (message: Message) => message?.result as { content?: Array<{ text?: unknown }>; structuredContent?: Record<string, unknown>; isError?: boolean } | undefined;
  const show = (message: Message) => (message === undefined ? "no answer" : JSON.stringify(message).slice(0, 300));
  if (result(calls.add)?.content?.[0]?.text !== "42" || result(calls.add)?.isError) fail(`tools/call add {a: 2, b: 40} did not answer 42: ${show(calls.add)}`);
  if (!result(calls.fallback) || result(calls.fallback)?.isError) fail(`a fallback call of count {n: 2} with a progress token did not succeed: ${show(calls.fallback)}`);
  const created = result(calls.created)?.structuredContent;
  if (created?.event !== "created") fail(`a tagged background call of count {n: 3} was not answered "created": ${show(calls.created)}`);
  else if (calls.terminal?.event !== "complete" || (calls.terminal.result as { counted?: unknown } | undefined)?.counted !== 3) {
    fail(`the background task did not complete with {counted: 3}: ${calls.terminal === undefined ? "no terminal event" : JSON.stringify(calls.terminal).slice(0, 300)}`);
  }
  return violations;
}
