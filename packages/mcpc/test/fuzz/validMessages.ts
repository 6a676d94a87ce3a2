/**
 * Valid client messages for an initialized MCPC session of test/fixtures/fuzzServer.ts:
 * the material the mutations start from. Each is a JSON-RPC message a correct
 * client could send; ids, fresh task ids and references to earlier requests are
 * {@link Slot}s, resolved when the message is sent.
 */
import fc from "fast-check";
import { type Json, type JsonObject, Slot } from "./json.js";

const id = fc.constantFrom("number" as const, "string" as const).map((as) => new Slot({ of: "id", as }));
const pick = fc.nat({ max: 63 });
const newTask = fc.constant(new Slot({ of: "newTask" }));
const taskRef = fc.record({ recent: fc.boolean(), pick }).map(({ recent, pick }) => new Slot({ of: "taskRef", recent, pick }));
const taskUri = fc.record({ recent: fc.boolean(), pick }).map(({ recent, pick }) => new Slot({ of: "taskUri", recent, pick }));
const requestRef = fc
  .record({ which: fc.constantFrom("previous" as const, "answered" as const, "unknown" as const), pick })
  .map(({ which, pick }) => new Slot({ of: "requestRef", which, pick }));

const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const text = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ unit: "binary", maxLength }));
const progressToken = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.integer());

function request(method: string, params: fc.Arbitrary<JsonObject | undefined>): fc.Arbitrary<Json> {
  return fc.record({ id, params }).map(({ id, params }) => ({ jsonrpc: "2.0", id, method, ...(params !== undefined && { params }) }));
}

function notification(method: string, params: fc.Arbitrary<JsonObject | undefined>): fc.Arbitrary<Json> {
  return params.map((params) => ({ jsonrpc: "2.0", method, ...(params !== undefined && { params }) }));
}

/** `_meta` of a call: a progress token, an MCPC task tag, both or neither. */
function meta(tag: "never" | "maybe"): fc.Arbitrary<JsonObject | undefined> {
  const task = tag === "never" ? fc.constant(undefined) : fc.option(fc.oneof(fc.constant({}), newTask.map((task_id) => ({ task_id }))), { nil: undefined });
  return fc.record({ token: fc.option(progressToken, { nil: undefined }), task }).map(({ token, task }) => {
    if (token === undefined && task === undefined) return undefined;
    return { ...(token !== undefined && { progressToken: token }), ...(task !== undefined && { "mcpc/task": task }) };
  });
}

function call(name: string, args: fc.Arbitrary<JsonObject>, tag: "never" | "maybe"): fc.Arbitrary<Json> {
  return request(
    "tools/call",
    fc.record({ args, meta: meta(tag) }).map(({ args, meta }) => ({ name, arguments: args, ...(meta !== undefined && { _meta: meta }) })),
  );
}

/** A call that asks for an MCP task (spec 2025-11-25), with or without a ttl. */
function taskCall(name: string, args: fc.Arbitrary<JsonObject>): fc.Arbitrary<Json> {
  const task = fc.oneof(fc.constant({}), fc.record({ ttl: fc.integer({ min: -5, max: 10_000_000 }) }));
  return request("tools/call", fc.record({ args, task, token: fc.option(progressToken, { nil: undefined }) }).map(({ args, task, token }) => ({
    name,
    arguments: args,
    task,
    ...(token !== undefined && { _meta: { progressToken: token } }),
  })));
}

const tools = [
  call("add", fc.record({ a: number, b: number }), "never"),
  call("echo", fc.record({ text: text(200) }), "never"),
  call("count_sync", fc.record({ n: fc.integer({ min: 0, max: 5 }) }), "never"),
  call("count", fc.record({ n: fc.integer({ min: 0, max: 5 }), delayMs: fc.integer({ min: 0, max: 5 }) }, { requiredKeys: ["n"] }), "maybe"),
  call("fail", fc.record({ message: text(40) }, { requiredKeys: [] }), "maybe"),
  call("nap", fc.record({ ms: fc.integer({ min: 0, max: 30 }) }), "maybe"),
  call("announce", fc.record({ text: text(40) }), "never"),
  taskCall("count", fc.record({ n: fc.integer({ min: 0, max: 5 }), delayMs: fc.integer({ min: 0, max: 5 }) }, { requiredKeys: ["n"] })),
  taskCall("fail", fc.record({ message: text(40) }, { requiredKeys: [] })),
  taskCall("add", fc.record({ a: number, b: number })),
  // The job-handle tools, for tasks of this session or none.
  call("task_status", fc.option(taskRef.map((taskId) => ({ taskId })), { nil: {} }) as fc.Arbitrary<JsonObject>, "never"),
  call("task_result", taskRef.map((taskId) => ({ taskId })), "never"),
  call("task_stop", taskRef.map((taskId) => ({ taskId })), "never"),
];

const taskRequests = [
  request("mcpc/tasks/get", taskRef.map((task_id) => ({ task_id }))),
  request("mcpc/tasks/stop", taskRef.map((task_id) => ({ task_id }))),
  request("mcpc/tasks/list", fc.constantFrom(undefined, {})),
  // MCP tasks (spec 2025-11-25) about the same records: ids are taskId there.
  request("tasks/get", taskRef.map((taskId) => ({ taskId }))),
  request("tasks/result", taskRef.map((taskId) => ({ taskId }))),
  request("tasks/cancel", taskRef.map((taskId) => ({ taskId }))),
  request("tasks/list", fc.option(fc.record({ cursor: fc.string({ maxLength: 12 }) }), { nil: {} }) as fc.Arbitrary<JsonObject>),
  // Task status as resources (job handles).
  request("resources/read", taskUri.map((uri) => ({ uri }))),
  request("resources/subscribe", taskUri.map((uri) => ({ uri }))),
];

const otherRequests = [
  request("ping", fc.constantFrom(undefined, {})),
  request("tools/list", fc.option(fc.record({ cursor: fc.string({ maxLength: 8 }) }, { requiredKeys: [] }), { nil: undefined })),
  request("logging/setLevel", fc.constantFrom("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency").map((level) => ({ level }))),
  // Methods a client may send that this server does not offer: each still gets an answer.
  request("resources/list", fc.constant({})),
  request("prompts/list", fc.constant({})),
  request("resources/read", fc.record({ uri: fc.constantFrom("file:///etc/passwd", "mcpc://nothing") })),
  request("completion/complete", fc.constant({ ref: { type: "ref/prompt", name: "none" }, argument: { name: "a", value: "b" } })),
];

const notifications = [
  notification("notifications/initialized", fc.constant(undefined)),
  // The target is never a request still in flight unless it is "previous"; the checker forgives any cancelled id.
  notification("notifications/cancelled", fc.record({ requestId: requestRef, reason: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }) }, { requiredKeys: ["requestId"] }).map(withoutUndefined)),
  notification("notifications/progress", fc.record({ progressToken, progress: fc.nat({ max: 100 }) })),
  notification("notifications/roots/list_changed", fc.constant(undefined)),
];

/** An answer to a request the server never sent (the SDK ignores it, with a log line at most). */
const strayResponse: fc.Arbitrary<Json> = fc
  .record({ id: fc.oneof(fc.nat({ max: 20 }), fc.string({ maxLength: 8 })), error: fc.boolean() })
  .map(({ id, error }) => ({ jsonrpc: "2.0", id, ...(error ? { error: { code: -32601, message: "no" } } : { result: {} }) }));

/** One valid client message, most often a tool call. */
export const validMessage: fc.Arbitrary<Json> = fc.oneof(
  { weight: 12, arbitrary: fc.oneof(...tools) },
  { weight: 4, arbitrary: fc.oneof(...taskRequests) },
  { weight: 4, arbitrary: fc.oneof(...otherRequests) },
  { weight: 3, arbitrary: fc.oneof(...notifications) },
  { weight: 1, arbitrary: strayResponse },
);

/** Method names a mutation may swap in (valid ones, so the rest of the message decides). */
export const KNOWN_METHODS = [
  "ping",
  "initialize",
  "tools/list",
  "tools/call",
  "mcpc/tasks/get",
  "mcpc/tasks/stop",
  "mcpc/tasks/list",
  "tasks/get",
  "tasks/result",
  "tasks/cancel",
  "tasks/list",
  "logging/setLevel",
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "notifications/mcpc",
] as const;

function withoutUndefined<T extends object>(value: T): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as JsonObject;
}
