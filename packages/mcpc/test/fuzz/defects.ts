/**
 * What is wrong with a sent message, in words: for failure reports, so that a
 * reader (and FUZZ_KEEP_GOING's grouping) sees "params is null" rather than a
 * list of mutations. It describes the bytes as sent; it judges nothing.
 */
const ENVELOPE_KEYS = new Set(["jsonrpc", "id", "method", "params", "result", "error"]);
const TOOLS = new Set(["add", "echo", "count_sync", "count", "fail", "nap", "announce", "task_status", "task_result", "task_stop", "task_send"]);
const METHODS = new Set(["ping", "initialize", "tools/list", "tools/call", "mcpc/tasks/get", "mcpc/tasks/stop", "mcpc/tasks/list", "tasks/get", "tasks/result", "tasks/cancel", "tasks/list", "resources/list", "resources/read", "resources/subscribe", "logging/setLevel"]);
const LEVELS = new Set(["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]);

/** The defects of one sent line or body; a batch lists its elements' defects. */
export function defectsOf(bytes: Buffer): string[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes));
  } catch {
    return ["not JSON"];
  }
  if (Array.isArray(value) && value.length > 0 && value.some(isRecord)) {
    return [`a batch of ${value.length}`, ...value.flatMap((element, index) => messageDefects(element).map((d) => `[${index}] ${d}`))];
  }
  return messageDefects(value);
}

function messageDefects(value: unknown): string[] {
  if (!isRecord(value)) return [Array.isArray(value) ? "an array" : `${kind(value)}, not an object`];
  const found: string[] = [];
  if (!Object.hasOwn(value, "jsonrpc")) found.push("no jsonrpc");
  else if (value.jsonrpc !== "2.0") found.push(`jsonrpc ${kind(value.jsonrpc)}`);
  if (Object.hasOwn(value, "id")) {
    const id = value.id;
    if (typeof id === "number" && !Number.isSafeInteger(id)) found.push(Number.isInteger(id) ? "id an integer beyond 2^53" : "id a fraction");
    else if (typeof id !== "number" && typeof id !== "string") found.push(`id ${kind(id)}`);
    else if (typeof id === "string" && id.length > 1_000) found.push("id a long string");
  }
  const extra = Object.keys(value).filter((key) => !ENVELOPE_KEYS.has(key));
  if (extra.length > 0) found.push(`extra top-level key ${extra.map((key) => JSON.stringify(key)).join(", ")}`);
  const method = value.method;
  if (Object.hasOwn(value, "method") && typeof method !== "string") found.push(`method ${kind(method)}`);
  if (typeof method === "string" && (Object.hasOwn(value, "result") || Object.hasOwn(value, "error"))) found.push("method and result/error both");
  if (typeof method === "string" && !METHODS.has(method) && !method.startsWith("notifications/")) found.push("a method the server does not have");
  if (typeof method === "string" && method.startsWith("notifications/") && Object.hasOwn(value, "id")) found.push("a notification's method, with an id");
  if (Object.hasOwn(value, "params")) found.push(...paramsDefects(value.params, typeof method === "string" ? method : undefined));
  else if (method === "tools/call" || method === "mcpc/tasks/get" || method === "mcpc/tasks/stop" || method === "logging/setLevel") found.push("no params");
  const depth = maxDepth(value);
  if (depth >= 1_000) found.push(`nested ${depth} deep`);
  const longest = longestString(value);
  if (longest >= 10_000) found.push(`a string of ${longest} characters`);
  return found;
}

function paramsDefects(params: unknown, method: string | undefined): string[] {
  if (!isRecord(params)) return [`params ${kind(params)}`];
  const found: string[] = [];
  if (Object.hasOwn(params, "_meta")) {
    const meta = params._meta;
    if (!isRecord(meta)) found.push(`_meta ${kind(meta)}`);
    else {
      const token = meta.progressToken;
      if (Object.hasOwn(meta, "progressToken") && typeof token !== "string" && !Number.isSafeInteger(token)) found.push(`progressToken ${kind(token)}`);
      if (Object.hasOwn(meta, "mcpc/task") && !isRecord(meta["mcpc/task"])) found.push(`_meta["mcpc/task"] ${kind(meta["mcpc/task"])}`);
      const taskId = isRecord(meta["mcpc/task"]) ? meta["mcpc/task"].task_id : undefined;
      if (taskId !== undefined && (typeof taskId !== "string" || taskId === "")) found.push(`_meta["mcpc/task"].task_id ${kind(taskId)}`);
    }
  }
  if (method === "tools/call") {
    if (typeof params.name !== "string") found.push(`tool name ${kind(params.name)}`);
    else if (!TOOLS.has(params.name)) found.push("a tool the server does not have");
    if (Object.hasOwn(params, "arguments") && !isRecord(params.arguments)) found.push(`arguments ${kind(params.arguments)}`);
  }
  if ((method === "mcpc/tasks/get" || method === "mcpc/tasks/stop") && (typeof params.task_id !== "string" || params.task_id === "")) found.push(`task_id ${kind(params.task_id)}`);
  if (method === "logging/setLevel" && !LEVELS.has(params.level as string)) found.push(`level ${kind(params.level)}`);
  if (method === "initialize" && (typeof params.protocolVersion !== "string" || !isRecord(params.capabilities) || !isRecord(params.clientInfo))) {
    found.push("initialize without protocolVersion, capabilities and clientInfo");
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value === "" ? "an empty string" : `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** Nesting depth, without recursion (the values may be 100,000 deep). */
function maxDepth(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== "object" || value === null) continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

function longestString(root: unknown): number {
  let longest = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") longest = Math.max(longest, value.length);
    else if (typeof value === "object" && value !== null) for (const [key, child] of Object.entries(value)) stack.push(key, child);
  }
  return longest;
}
