/**
 * The properties, checked the same way over both transports: what was sent, what
 * came back, and what does not add up.
 *
 * 1. The server stays alive and keeps answering.
 * 2. Everything it writes is JSON (every stdout line; every HTTP body and SSE event).
 * 3. Every request it could read (a string or number `id`, a string `method`, in a
 *    line or body that parses as JSON) gets exactly one answer with that id. An
 *    answer with `id: null` is only for what it could not read, and no answer names
 *    an id nobody sent. Requests named by a `notifications/cancelled` are forgiven
 *    (the spec says a receiver SHOULD NOT answer a cancelled request), and so are
 *    ids sent twice (which answer is whose is then undefined).
 * 4. A malformed request is the client's error: its error is never `-32603`
 *    (internal) unless it names one of mcpc's limits (`data.mcpcCode`, e.g.
 *    `TASK_LIMIT`), and never a stack overflow.
 * 5. After the run, a normal call and a normal background call still work.
 */
import { type Sent, excerpt, idKey } from "./sent.js";

export type Property = "alive" | "json" | "answered" | "client-error" | "normal-call";

export interface Violation {
  property: Property;
  what: string;
  /** The sent message it is about, if one. */
  culprit?: Sent;
}

export function formatViolation(violation: Violation): string {
  return `  [${violation.property}] ${violation.what}${violation.culprit ? `\n    sent: ${excerpt(violation.culprit)}` : ""}`;
}

/** A message the server wrote that answers a request (it has an id and a result or an error, and no method). */
export interface Answer {
  id: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

export function asAnswer(message: unknown): Answer | undefined {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return undefined;
  const m = message as Record<string, unknown>;
  if (!Object.hasOwn(m, "id") || typeof m.method === "string" || !(Object.hasOwn(m, "result") || Object.hasOwn(m, "error"))) return undefined;
  return m as unknown as Answer;
}

/** Ids of the fuzzer's own requests (initialize, sentinels, final checks): never fuzzed, never counted. */
export const HARNESS_PREFIX = "harness-";

/** The books of one fuzzed session: every id sent, every answer seen. */
export class Ledger {
  /** Readable requests sent once, by id key. */
  readonly #requests = new Map<string, Sent>();
  /** Keys of ids sent more than once. */
  readonly #ambiguous = new Set<string>();
  /** Every id key sent, in any message. */
  readonly #sentIds = new Set<string>();
  readonly #cancelled = new Set<string>();
  readonly #answers = new Map<string, number>();
  #nullAnswers = 0;
  #nullAllowance = 0;
  readonly #nullsPerBody = new WeakMap<Sent, number>();
  readonly #pending: Violation[] = [];

  /** Call before the bytes go out, so that no answer can come before its request is known. */
  record(sent: Sent): void {
    for (const key of sent.idKeys) {
      if (this.#sentIds.has(key)) {
        this.#ambiguous.add(key);
        this.#requests.delete(key);
      }
      this.#sentIds.add(key);
    }
    for (const request of sent.requests) if (!this.#ambiguous.has(request.key)) this.#requests.set(request.key, sent);
    for (const key of sent.cancels) this.#cancelled.add(key);
    this.#nullAllowance += sent.unreadable;
  }

  /**
   * Records an answer the server wrote (harness answers are the caller's business).
   * `on` is the HTTP body whose response carried it: its `id: null` answers are
   * counted against that body alone. Over stdio they are counted for the case.
   */
  answer(answer: Answer, on?: Sent): void {
    if (answer.id === null) {
      if (on === undefined) this.#nullAnswers++;
      else {
        const count = (this.#nullsPerBody.get(on) ?? 0) + 1;
        this.#nullsPerBody.set(on, count);
        if (count > on.unreadable) {
          this.#pending.push({ property: "answered", what: `an answer with id null to a body whose every message is readable: ids ${on.requests.map((r) => r.key.slice(2)).join(", ") || "none"}`, culprit: on });
        }
      }
      return this.#checkError(answer, on);
    }
    const key = idKey(answer.id);
    if (key === undefined) {
      this.#pending.push({ property: "answered", what: `an answer with an id no request can have: ${JSON.stringify(answer.id)}` });
      return;
    }
    if (key.startsWith(`s:${HARNESS_PREFIX}`)) return;
    const count = (this.#answers.get(key) ?? 0) + 1;
    this.#answers.set(key, count);
    const culprit = this.#requests.get(key);
    if (!this.#sentIds.has(key)) this.#pending.push({ property: "answered", what: `an answer to an id no message sent: ${JSON.stringify(answer.id)}` });
    else if (count === 2 && culprit && !this.#ambiguous.has(key)) this.#pending.push({ property: "answered", what: `more than one answer to a request: id ${JSON.stringify(answer.id)}`, culprit });
    this.#checkError(answer, culprit);
  }

  /** A violation seen while reading (a line that is not JSON, say). */
  note(violation: Violation): void {
    this.#pending.push(violation);
  }

  /** True once every request of `sent` is answered or forgiven. */
  settled(sent: readonly Sent[]): boolean {
    return this.#unanswered(sent).length === 0;
  }

  /**
   * The violations of one case, whose messages were `sent`: unanswered requests,
   * and everything noted since the last call. Over stdio, the case's `id: null`
   * answers are counted against the messages of the case that could not be read.
   */
  close(sent: readonly Sent[]): Violation[] {
    const violations = this.#pending.splice(0);
    for (const culprit of this.#unanswered(sent)) {
      const missing = culprit.requests.filter((r) => this.#owed(r.key)).map((r) => r.key.slice(2));
      violations.push({ property: "answered", what: `no answer to a readable request: id${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, culprit });
    }
    if (this.#nullAnswers > this.#nullAllowance) {
      violations.push({
        property: "answered",
        what: `more answers with id null than unreadable messages (a readable request was taken for unreadable): ${this.#nullAnswers} for ${this.#nullAllowance}`,
      });
    }
    this.#nullAnswers = 0;
    this.#nullAllowance = 0;
    return violations;
  }

  #owed(key: string): boolean {
    return !this.#ambiguous.has(key) && !this.#cancelled.has(key) && (this.#answers.get(key) ?? 0) === 0;
  }

  #unanswered(sent: readonly Sent[]): Sent[] {
    return sent.filter((s) => s.requests.some((r) => this.#requests.get(r.key) === s && this.#owed(r.key)));
  }

  #checkError(answer: Answer, culprit: Sent | undefined): void {
    const error = answer.error;
    if (error === undefined) return;
    const message = typeof error.message === "string" ? error.message : "";
    const mcpcCode = (error.data as { mcpcCode?: unknown } | undefined)?.mcpcCode;
    const id = JSON.stringify(answer.id);
    if (/Maximum call stack|stack size/i.test(message)) {
      this.#pending.push({ property: "client-error", what: `a stack overflow in an error answer: id ${id}: ${short(message)}`, ...(culprit && { culprit }) });
    } else if (error.code === -32603 && typeof mcpcCode !== "string") {
      this.#pending.push({ property: "client-error", what: `-32603 (internal error) for a client's malformed request: id ${id}: ${short(message)}`, ...(culprit && { culprit }) });
    }
  }
}

function short(text: string): string {
  const line = text.replace(/\s+/g, " ");
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
