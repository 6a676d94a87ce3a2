/**
 * Turns the SDK's answer to a request whose params fail its schema into the
 * JSON-RPC error it should have been.
 *
 * The SDK's `setRequestHandler` parses every request with the method's zod
 * schema before the handler runs. A `ZodError` has no `code`, so the SDK answers
 * `-32603` (Internal error) with the error's message: the issues as a
 * multi-line JSON dump. {@link invalidParamsFromDump} reads that dump back and
 * makes `-32602` "Invalid params: <field>: <what is wrong>" from it; one place
 * that sees every outgoing error (the session transport) applies it, so every
 * method, ours and the SDK's, answers the same way.
 */

/** One zod issue, as far as it is read here. */
interface DumpedIssue {
  path: Array<string | number>;
  message: string;
}

/** The `-32602` error that replaces a zod dump. */
export interface InvalidParamsError {
  code: -32602;
  message: string;
  data: { issues: Array<{ path: string; message: string }> };
}

/** Messages longer than this are not read back as a dump (nothing the SDK's request schemas produce comes close). */
const MAX_DUMP = 64 * 1024;

/**
 * The `-32602` error for an error message that is a zod issue dump (a
 * `ZodError`'s message), or undefined for any other message.
 *
 * @example
 * ```ts
 * invalidParamsFromDump('[{"code":"invalid_type","path":["params","name"],"message":"Invalid input: expected string, received number"}]');
 * // { code: -32602, message: "Invalid params: params.name: expected string, received number.", data: { issues: [...] } }
 * ```
 */
export function invalidParamsFromDump(message: string): InvalidParamsError | undefined {
  // Cheap first: only a JSON array of objects can be a dump.
  if (message.length > MAX_DUMP || !/^\s*\[\s*\{/.test(message)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(isIssue)) return undefined;
  const issues = parsed.map((issue) => ({ path: issue.path.map(String).join(".") || "params", message: plain(issue.message) }));
  const text = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  return { code: -32602, message: `Invalid params: ${text}.`, data: { issues } };
}

function isIssue(value: unknown): value is DumpedIssue {
  if (typeof value !== "object" || value === null) return false;
  const { path, message, code } = value as { path?: unknown; message?: unknown; code?: unknown };
  return typeof code === "string" && typeof message === "string" && Array.isArray(path) && path.every((p) => typeof p === "string" || typeof p === "number");
}

/** zod v4 starts most messages with "Invalid input: "; after "Invalid params: <field>:" it says nothing. */
function plain(message: string): string {
  return message.replace(/^Invalid input: /, "");
}
