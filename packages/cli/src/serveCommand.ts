import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineCommand } from "citty";
import { startUi, uiLine, type Ui } from "./dashboardUi.js";
import { HttpFront, type Generation } from "./httpFront.js";
import { loadServer, serveDirectly, type LoadedServer } from "./loadServer.js";
import { UsageError } from "./runCli.js";
import { reportLoadError } from "./watch/loadError.js";
import { serveStdioWatching } from "./watch/serveStdioWatching.js";
import { untilSignal } from "./watch/untilSignal.js";
import { watchFolder } from "./watch/watchFolder.js";

/** How often a replaced generation is checked for tasks still running. */
const DRAIN_POLL_MS = 200;

/** `mcpc serve <file>`: the dev runner. */
export const serveCommand = defineCommand({
  meta: { name: "serve", description: "Serve a server file (.ts or .js) on stdio, or over HTTP with --http; --watch reloads it on change" },
  args: {
    file: { type: "positional", description: "The file that exports the server class or instance", required: true },
    http: { type: "boolean", description: "Serve Streamable HTTP at /mcp (and legacy SSE at /sse) instead of stdio" },
    port: { type: "string", description: "HTTP port; 0 picks a free one (default 3000)", valueHint: "N" },
    host: { type: "string", description: "HTTP address to bind (default 127.0.0.1)", valueHint: "H" },
    watch: { type: "boolean", description: "Reload when a file in the server file's folder changes" },
    ui: { type: "boolean", description: "Also serve the live task dashboard on 127.0.0.1 and print its URL (with its token) to stderr" },
    "ui-port": { type: "string", description: "The dashboard's port (default: a free one)", valueHint: "N" },
  },
  async run({ args }) {
    const file = resolve(args.file);
    if (!existsSync(file)) throw new UsageError(`No such file: ${args.file}`);
    const port = args.port === undefined ? 3000 : Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port needs a port number (0 picks a free one); got "${args.port}".`);
    if (!args.http && (args.port !== undefined || args.host !== undefined)) throw new UsageError("--port and --host need --http.");
    const uiPort = args["ui-port"] === undefined ? 0 : Number(args["ui-port"]);
    if (!Number.isInteger(uiPort) || uiPort < 0 || uiPort > 65_535) throw new UsageError(`--ui-port needs a port number; got "${args["ui-port"]}".`);
    if (args["ui-port"] !== undefined && !args.ui) throw new UsageError("--ui-port needs --ui.");
    const ui = args.ui ? await startUi(uiPort) : undefined;
    try {
      if (args.http) return await serveHttpWatching(file, port, args.host ?? "127.0.0.1", args.watch === true, ui);
      if (args.watch) return await serveStdioWatching(file, ui);
      return await serveStdioOnce(file, ui);
    } finally {
      await ui?.close();
    }
  },
});

async function serveStdioOnce(file: string, ui: Ui | undefined): Promise<void> {
  let closed: () => void = () => undefined;
  const handle = { closed: new Promise<void>((resolve) => (closed = resolve)) };
  const server = await loadServer(file, () => handle);
  ui?.show(server);
  const serving = await serveDirectly(server, {});
  if (ui) process.stderr.write(uiLine(ui));
  await serving.closed;
  closed();
}

/**
 * Over HTTP the front (one listener) stays up; each load is a generation on its
 * own loopback port. A reload that fails keeps the previous generation serving.
 */
async function serveHttpWatching(file: string, port: number, host: string, watching: boolean, ui: Ui | undefined): Promise<void> {
  const front = new HttpFront();
  await front.listen(port, host);
  const handle = { url: front.url, sseUrl: front.url.replace(/\/mcp$/, "/sse"), port: front.port, host, closed: new Promise<void>(() => undefined), close: async () => undefined };
  let current: { server: LoadedServer; generation: Generation; hide: () => void } | undefined;
  let loads = 0;
  let loading: Promise<void> = Promise.resolve();
  const draining = new Set<Promise<void>>();

  const load = async (): Promise<void> => {
    let server: LoadedServer;
    try {
      server = await loadServer(file, () => handle);
    } catch (error) {
      reportLoadError(file, error, current !== undefined);
      return;
    }
    const serving = (await serveDirectly(server, {
      transport: "http",
      port: 0,
      host: "127.0.0.1",
      allowedOrigins: front.origins,
      handleSignals: false,
      exitOnClose: false,
    })) as unknown as { port: number; close(): Promise<void> };
    const generation: Generation = { port: serving.port, close: () => serving.close() };
    const previous = current;
    loads++;
    // Under --watch each version is a server of its own on the page: the old one keeps its tasks until they end.
    const hide = ui?.show(server, watching ? `version ${loads}` : undefined) ?? (() => undefined);
    current = { server, generation, hide };
    front.swap(generation);
    if (previous) {
      process.stderr.write(`mcpc serve: reloaded ${file}\n`);
      const drained = drain(previous.server, previous.generation).finally(() => {
        previous.hide();
        front.retire(previous.generation);
        draining.delete(drained);
      });
      draining.add(drained);
    }
  };

  await load();
  const watcher = watching
    ? watchFolder(file, () => {
        loading = loading.then(load);
      })
    : undefined;
  // Printed once the watcher is in place: a launcher may edit the file as soon as it reads this line.
  if (ui) process.stderr.write(uiLine(ui));
  process.stderr.write(`mcpc serve: serving Streamable HTTP on ${front.url} (legacy SSE on ${handle.sseUrl})${watching ? ", watching for changes" : ""}\n`);
  await untilSignal();
  watcher?.close();
  await loading;
  await Promise.all([...draining, current?.generation.close()]);
  await front.close();
}

/** Old code finishes what it started: the generation closes once no task of it is running. */
async function drain(server: LoadedServer, generation: Generation): Promise<void> {
  while (server.runtime.registry.liveCount > 0) await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  await generation.close();
}
