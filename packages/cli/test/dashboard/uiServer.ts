/** `mcpc serve <file> --http --port 0 --ui` for the dashboard tests, with the two URLs it prints. */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpcClient } from "mcpc/client";
import { startCli, type Running } from "../cliHarness.js";

export interface UiServer {
  readonly runner: Running;
  /** The dashboard page, token included. */
  readonly page: string;
  /** The MCP endpoint. */
  readonly mcp: string;
}

/** Starts the runner with the dashboard and waits for both URLs on its stderr. */
export async function startUiServer(file: string, env: Record<string, string> = {}): Promise<UiServer> {
  const runner = startCli(["serve", file, "--http", "--port", "0", "--ui"], env);
  const [, page = ""] = await runner.waitFor(/dashboard on (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/);
  const [, mcp = ""] = await runner.waitFor(/serving Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/);
  return { runner, page, mcp };
}

/** An MCPC client (the native rung) connected to `url`. */
export async function nativeClient(url: string, name: string): Promise<McpcClient> {
  const client = new McpcClient(new Client({ name, version: "1.0.0" }), { legacy: false });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** A plain SDK client (no MCPC, no MCP tasks) connected to `url`. */
export async function plainClient(url: string, name: string): Promise<Client> {
  const client = new Client({ name, version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** The dashboard's update stream as a test reads it (plain fetch, no browser). */
export interface TickStream {
  /** Every `tick` message so far, parsed. */
  readonly ticks: Record<string, unknown>[];
  /** Resolves once a message so far or to come satisfies `check`; fails after `timeoutMs`. */
  until(check: (tick: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens the stream of the page at `page` (its URL with the token). */
export async function openTickStream(page: string): Promise<TickStream> {
  const response = await fetch(page.replace("/?", "/events?"));
  const reader = response.body?.getReader();
  if (!reader) throw new Error(`the stream answered ${response.status} with no body`);
  const ticks: Record<string, unknown>[] = [];
  let buffer = "";
  let ended = false;
  const pump = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) break;
      buffer += Buffer.from(chunk.value).toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^event: tick\ndata: (.*)$/m.exec(frame)?.[1];
        if (data !== undefined) ticks.push(JSON.parse(data) as Record<string, unknown>);
      }
    }
    ended = true;
  })();
  return {
    ticks,
    async until(check, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!ticks.some(check)) {
        if (ended || Date.now() > deadline) throw new Error(`no dashboard message ${what} within ${timeoutMs} ms; got ${JSON.stringify(ticks.slice(-3))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await reader.cancel().catch(() => undefined);
      await pump;
    },
  };
}
