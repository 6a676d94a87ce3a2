/**
 * The floor: no SDK, no validation, no framework. Answers `initialize`, `tools/list` and
 * `tools/call` by hand and writes progress lines as fast as the pipe takes them (batched,
 * honouring backpressure). The physical limit the other servers are quoted against.
 */
import { ECHO_DESCRIPTION, STREAM_DESCRIPTION, now, sleep, waitBefore } from "./common.js";

type Id = string | number;
interface Message {
  id?: Id;
  method?: string;
  params?: { protocolVersion?: string; name?: string; arguments?: Record<string, unknown>; _meta?: { progressToken?: Id } };
}

const out = process.stdout;
const BATCH = 64 * 1024;

function write(chunk: string): Promise<void> | undefined {
  if (out.write(chunk)) return undefined;
  return new Promise((resolve) => out.once("drain", resolve));
}

function reply(id: Id, result: unknown): void {
  void write(`${JSON.stringify({ jsonrpc: "2.0", id, result })}\n`);
}

const TOOLS = [
  {
    name: "stream",
    description: STREAM_DESCRIPTION,
    inputSchema: { type: "object", properties: { n: { type: "number" }, intervalMs: { type: "number" } }, required: ["n", "intervalMs"] },
  },
  { name: "echo", description: ECHO_DESCRIPTION, inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] } },
];

async function stream(id: Id, token: Id | undefined, n: number, intervalMs: number): Promise<void> {
  const prefix = token === undefined ? undefined : `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":${JSON.stringify(token)},"progress":`;
  const start = performance.now();
  let batch = "";
  for (let i = 1; i <= n; i++) {
    const wait = waitBefore(start, i, intervalMs);
    if (wait > 0) {
      if (batch) {
        await write(batch);
        batch = "";
      }
      await sleep(wait);
    }
    if (prefix === undefined) continue;
    batch += `${prefix}${i},"total":${n},"message":"${now()}"}}\n`;
    if (batch.length >= BATCH) {
      await write(batch);
      batch = "";
    }
  }
  if (batch) await write(batch);
  reply(id, { content: [{ type: "text", text: `streamed ${n}` }] });
}

function handle(message: Message): void {
  const { id, method, params } = message;
  if (id === undefined) return; // notifications, and answers to requests we never send
  switch (method) {
    case "initialize":
      reply(id, {
        protocolVersion: params?.protocolVersion ?? "2025-06-18",
        capabilities: { tools: {} },
        serverInfo: { name: "bench-floor", version: "0.0.0" },
      });
      return;
    case "tools/list":
      reply(id, { tools: TOOLS });
      return;
    case "ping":
      reply(id, {});
      return;
    case "tools/call": {
      const args = params?.arguments ?? {};
      if (params?.name === "echo") {
        reply(id, { content: [{ type: "text", text: String(args.text) }] });
        return;
      }
      void stream(id, params?._meta?.progressToken, Number(args.n), Number(args.intervalMs));
      return;
    }
    default:
      void write(`${JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${method}` } })}\n`);
  }
}

let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  pending += chunk;
  let nl: number;
  while ((nl = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line.trim()) handle(JSON.parse(line) as Message);
  }
});
process.stdin.once("end", () => process.exit(0));
