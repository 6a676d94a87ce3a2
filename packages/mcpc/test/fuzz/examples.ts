/**
 * Cases every run starts with, whatever the seed: the extremes that random
 * generation reaches only now and then (a line over 10 MiB, values 100,000 deep
 * where the server reads them, a cancellation in the same read as its call).
 * fast-check runs them first and shrinks them like any other case.
 */
import { type Json, Slot, deep, long } from "./json.js";
import type { FuzzItem, FuzzMessage, FuzzPost } from "./mutations.js";

const id = (as: "number" | "string" = "number") => new Slot({ of: "id", as });

function message(method: string, params?: Json): FuzzMessage {
  return { message: { jsonrpc: "2.0", id: id(), method, ...(params !== undefined && { params }) }, mutations: [], framing: { kind: "plain" } };
}

const notification = (method: string, params: Json): FuzzMessage => ({ message: { jsonrpc: "2.0", method, params }, mutations: [], framing: { kind: "plain" } });

const ping = () => message("ping");

/** Extremes, each followed by a ping that must still be answered. */
const extremes: FuzzMessage[][] = [
  [message("mcpc/tasks/get", { task_id: deep(100_000, "array") }), ping()],
  [message("mcpc/tasks/stop", { task_id: deep(100_000, "object") }), ping()],
  [message("tools/call", { name: "add", arguments: { a: 1, b: 2 }, _meta: { progressToken: deep(100_000, "array") } }), ping()],
  [message("tools/call", { name: "echo", arguments: { text: deep(100_000, "object") } }), ping()],
  [{ ...ping(), message: { jsonrpc: "2.0", id: deep(100_000, "array"), method: "ping" } }, ping()],
  // Over the 10 MiB stdio line limit of today (and the 4 MiB HTTP body limit): refused, and the next line still served.
  [message("tools/call", { name: "echo", arguments: { text: long(11 * 1024 * 1024, "y") } }), ping()],
  // A tagged call and its cancellation in the same read (issue 11, finding 3): the call is forgiven, the ping is not.
  [
    message("tools/call", { name: "count", arguments: { n: 3 }, _meta: { "mcpc/task": { task_id: new Slot({ of: "newTask" }) } } }),
    notification("notifications/cancelled", { requestId: new Slot({ of: "requestRef", which: "previous", pick: 0 }), reason: "in the same read" }),
    ping(),
  ],
];

/** The stdio cases: each group on consecutive lines of one write. */
export const stdioExamples: FuzzItem[][] = extremes;

/** The HTTP cases: each group as one batch, and as separate POSTs. */
export const httpExamples: FuzzPost[][] = [
  ...extremes.map((group): FuzzPost[] => [{ batch: group, framing: { kind: "plain" } }]),
  ...extremes.map((group): FuzzPost[] => group),
];
