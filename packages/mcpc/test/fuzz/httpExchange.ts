/**
 * One POST to a Streamable HTTP session, read to its end: the JSON body or every
 * SSE event of the response stream, with the server's own requests on that stream
 * (the fallback's pings) answered as a real client does. Bounded in time.
 */

export interface HttpSessionAddress {
  url: URL;
  sessionId: string | undefined;
}

export interface Exchange {
  /** HTTP status, or undefined when the request failed without a response. */
  status: number | undefined;
  /** Every JSON-RPC message the response carried, in order. */
  messages: unknown[];
  /** Response text (a body, or an SSE event's data) that is not JSON. */
  notJson: string[];
  /** True when the response had not ended within the time allowed. */
  timedOut: boolean;
  /** Why the request failed, if it did. */
  error?: string;
}

export function headers(session: HttpSessionAddress): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...(session.sessionId !== undefined && { "mcp-session-id": session.sessionId, "mcp-protocol-version": "2025-11-25" }),
  };
}

/**
 * POSTs `body` and reads the whole response (at most `timeoutMs`), calling
 * `onMessage` as each message arrives. When `settled()` holds, the client closes
 * the stream as a real one would: a request the client cancelled is never
 * answered, so its stream would otherwise stay open.
 */
export async function exchange(
  session: HttpSessionAddress,
  body: Buffer | string,
  timeoutMs: number,
  onMessage: (message: unknown) => void = () => undefined,
  settled: () => boolean = () => false,
): Promise<Exchange> {
  const result: Exchange = { status: undefined, messages: [], notJson: [], timedOut: false };
  const controller = new AbortController();
  let closedBySelf = false;
  const closeIfSettled = () => {
    if (!settled()) return;
    closedBySelf = true;
    controller.abort();
  };
  const timer = setTimeout(() => {
    result.timedOut = true;
    controller.abort();
  }, timeoutMs);
  const replies: Array<Promise<unknown>> = [];
  const take = (text: string) => {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      result.notJson.push(text);
      return;
    }
    for (const one of Array.isArray(message) ? (message as unknown[]) : [message]) {
      result.messages.push(one);
      onMessage(one);
      const reply = replyTo(one);
      if (reply) replies.push(exchange(session, JSON.stringify(reply), timeoutMs).catch(() => undefined));
    }
    closeIfSettled();
  };
  try {
    const response = await untilAborted(fetch(session.url, { method: "POST", headers: headers(session), body, signal: controller.signal }), controller.signal);
    if (response === ABORTED) return result;
    result.status = response.status;
    closeIfSettled();
    if ((response.headers.get("content-type") ?? "").includes("text/event-stream") && response.body) {
      await readEvents(response.body, take, controller.signal);
    } else {
      const text = await untilAborted(response.text(), controller.signal);
      if (text !== ABORTED && text.trim() !== "") take(text);
    }
  } catch (error) {
    if (!result.timedOut && !closedBySelf) result.error = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error);
  } finally {
    clearTimeout(timer);
    await Promise.all(replies);
  }
  return result;
}

/** A server-to-client request's answer: pings get `{}`, anything else "not offered". */
function replyTo(message: unknown): Record<string, unknown> | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (typeof m.method !== "string" || !Object.hasOwn(m, "id")) return undefined;
  return { jsonrpc: "2.0", id: m.id, ...(m.method === "ping" ? { result: {} } : { error: { code: -32601, message: "not offered by the fuzz client" } }) };
}

const ABORTED = Symbol("aborted");

/**
 * `promise`, or ABORTED as soon as `signal` aborts. Aborting a fetch does not
 * always end a pending read of its body (seen on Node 20 with an SSE stream the
 * server keeps open), so no read is awaited without this.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Reads an SSE stream to its end or until `signal` aborts, handing over each event's data (priming events carry none). */
export async function readEvents(stream: ReadableStream<Uint8Array>, onData: (data: string) => void, signal: AbortSignal): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const flush = (block: string) => {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""))
      .join("\n");
    if (data !== "") onData(data);
  };
  try {
    for (;;) {
      const next = await untilAborted(reader.read(), signal);
      if (next === ABORTED) return;
      if (next.done) break;
      buffer += decoder.decode(next.value, { stream: true });
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        flush(buffer.slice(0, end));
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
      }
    }
    if (buffer.trim() !== "") flush(buffer);
  } finally {
    // Not awaited: cancelling may wait on the same stuck read.
    reader.cancel().catch(() => undefined);
  }
}
