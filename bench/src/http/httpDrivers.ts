/**
 * The ways the harness talks to an HTTP server: each opens one session on a
 * running {@link HttpServerProcess} and hands back a {@link Conn} (closing it
 * ends the session, not the server): the SDK `Client`, our `McpcClient` in MCPC
 * mode, and the bare fetch reader.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { now } from "../servers/common.js";
import { addLateness, type Conn, type McpcClientCtor } from "../drivers.js";
import { BareHttpSession } from "./bareHttp.js";
import type { HttpServerProcess } from "./serverProcess.js";

export interface HttpDriver {
  id: string;
  label: string;
  open(server: HttpServerProcess): Promise<Conn>;
}

const LONG = 600_000;

function lagOf(message: unknown): number {
  return now() - Number(message);
}

/** The SDK `Client` over `StreamableHTTPClientTransport`, with an `onprogress` callback (so a progressToken; mcpc's synchronous fallback). */
export const sdkHttpDriver: HttpDriver = {
  id: "sdk-client",
  label: "SDK Client + progressToken",
  async open(server) {
    const client = new Client({ name: "mcpc-bench", version: "0.0.0" }, { capabilities: {} });
    await client.connect(new StreamableHTTPClientTransport(server.url));
    return {
      pid: server.pid,
      async callStream(n, intervalMs, wantLags) {
        let received = 0;
        const lagsMs: number[] = [];
        const lateMs: number[] = [];
        // Per call, just before it is sent (as over stdio): the lateness counts from here.
        const sent = now();
        await client.callTool({ name: "stream", arguments: { n, intervalMs } }, undefined, {
          timeout: LONG,
          onprogress: (progress) => {
            received++;
            if (!wantLags) return;
            lagsMs.push(lagOf(progress.message));
            addLateness(lateMs, sent, progress.progress, intervalMs);
          },
        });
        return { received, lagsMs, lateMs };
      },
      async echo(text) {
        await client.callTool({ name: "echo", arguments: { text } }, undefined, { timeout: LONG });
      },
      // Aborts the session's streams; the server is killed after the figure, so no DELETE.
      close: () => client.close(),
    };
  },
};

/**
 * mcpc through `McpcClient` in MCPC mode: a background call is answered `created`
 * at once, and its events come afterwards on the session's GET stream.
 */
export function mcpcHttpDriver(McpcClient: McpcClientCtor): HttpDriver {
  return {
    id: "mcpc-client",
    label: "McpcClient (MCPC mode)",
    async open(server) {
      const inner = new Client({ name: "mcpc-bench", version: "0.0.0" }, { capabilities: {} });
      const client = new McpcClient(inner);
      await client.connect(new StreamableHTTPClientTransport(server.url));
      return {
        pid: server.pid,
        async callStream(n, intervalMs, wantLags) {
          // Before callTool, which resolves only once the server answered `created`.
          const sent = now();
          const handle = await client.callTool("stream", { n, intervalMs });
          let received = 0;
          const lagsMs: number[] = [];
          const lateMs: number[] = [];
          for await (const event of handle.events()) {
            if (event.event !== "update") continue;
            received++;
            if (!wantLags) continue;
            // An update's result is what the tool yielded: `{ progress: i, total, message }`.
            const update = event.result as { progress?: unknown; message?: unknown } | null;
            lagsMs.push(lagOf(update?.message));
            addLateness(lateMs, sent, update?.progress, intervalMs);
          }
          await handle.result();
          return { received, lagsMs, lateMs };
        },
        async echo(text) {
          await inner.callTool({ name: "echo", arguments: { text } }, undefined, { timeout: LONG });
        },
        close: () => (client.close ? client.close() : inner.close()),
      };
    },
  };
}

/** fetch and a hand-written SSE reader: no client library (see bareHttp.ts). */
export const bareHttpDriver: HttpDriver = {
  id: "bare",
  label: "bare fetch reader",
  open: (server) => BareHttpSession.open(server.url, server.pid),
};
