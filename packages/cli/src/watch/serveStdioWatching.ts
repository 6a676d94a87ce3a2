import { setTimeout as sleep } from "node:timers/promises";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Ui } from "../dashboardUi.js";
import { uiLine } from "../dashboardUi.js";
import { loadServer, type LoadedServer } from "../loadServer.js";
import { Generation } from "./generation.js";
import { reportLoadError } from "./loadError.js";
import { guardStdout } from "./stdoutGuard.js";
import { untilSignal } from "./untilSignal.js";
import { watchFolder } from "./watchFolder.js";
import { WatchSession } from "./watchSession.js";
import { sdk, wire } from "./wire.js";

/** How often a replaced generation is checked for tasks still running. */
const DRAIN_POLL_MS = 200;
/** How long a replaced generation, idle otherwise, waits for the host to read the outcome of its finished MCP tasks. */
const COLLECT_GRACE_MS = 30_000;
/** How long a new generation has to take the session over (answer the replayed handshake, list its catalog). */
const JOIN_TIMEOUT_MS = 10_000;
/**
 * The most unread input the SDK's stdio transport buffers (it counts a whole read,
 * however many lines): past it the transport closes. Far above the SDK's 10 MiB
 * default, which a burst of large messages could reach in one read.
 */
const MAX_INPUT_BUFFER_BYTES = 256 * 1024 * 1024;

/**
 * `mcpc serve --watch <file>` on stdio: the runner owns the host's session
 * ({@link WatchSession}) and serves each load of the file in this process as a
 * {@link Generation} behind it, so the host never sees a restart. A replaced
 * generation keeps serving the tasks it started and is closed once none is left;
 * a load that fails leaves the previous one serving. Resolves on SIGINT, SIGTERM
 * or the host leaving (stdin's end, a broken stdout), once every generation has
 * closed (stopping what still runs: `finally` blocks run).
 */
export async function serveStdioWatching(file: string, ui?: Ui): Promise<void> {
  let hostLeft: () => void = () => undefined;
  const left = new Promise<void>((resolve) => (hostLeft = resolve));
  // Before anything loads: a server file that prints while it loads must not reach the host.
  const host = new StdioServerTransport(process.stdin, guardStdout(() => hostLeft()), { maxBufferSize: MAX_INPUT_BUFFER_BYTES });
  const session = new WatchSession((message) => {
    host.send(sdk(message)).catch(() => undefined);
  });
  host.onmessage = (message) => session.fromHost(wire(message));
  host.onerror = (error) => {
    // The SDK could not read a line (no id to answer with): the host hears why, as JSON-RPC says.
    const code = error instanceof SyntaxError ? -32700 : -32600;
    const unreadable = { jsonrpc: "2.0", id: null, error: { code, message: `${code === -32700 ? "Parse error" : "Invalid Request"}: ${error.message}` } };
    host.send(unreadable as unknown as JSONRPCMessage).catch(() => undefined);
  };
  // Closed under us (input past the buffer limit), nothing more can be read: as if the host had left.
  host.onclose = () => hostLeft();
  // The SDK's stdio transport does not notice the host going away.
  process.stdin.once("end", () => hostLeft());
  process.stdin.once("error", () => hostLeft());
  await host.start();

  /** Resolves the `closed` promise a generation's file got from its own `serve()` call. */
  const closers = new Map<Generation, () => void>();
  /** Takes each generation off the dashboard (under --ui) once it is retired. */
  const hiders = new Map<Generation, () => void>();
  const draining = new Set<Promise<void>>();
  const stopping = new AbortController();

  const retire = async (generation: Generation): Promise<void> => {
    await generation.close();
    hiders.get(generation)?.();
    hiders.delete(generation);
    session.forget(generation);
    closers.get(generation)?.();
    closers.delete(generation);
  };

  /** Old code finishes what it started: the generation is closed once it is idle (see `Generation.idle`). */
  const drain = (generation: Generation): void => {
    const drained = (async () => {
      try {
        while (!generation.idle(COLLECT_GRACE_MS)) await sleep(DRAIN_POLL_MS, undefined, { signal: stopping.signal });
      } catch {
        return; // shutting down: it is closed with the rest
      }
      session.detach(generation);
      await retire(generation);
      process.stderr.write(`mcpc serve: version ${generation.number} has no task left; closed it\n`);
    })();
    draining.add(drained);
    void drained.finally(() => draining.delete(drained));
  };

  const load = async (): Promise<void> => {
    let closed: () => void = () => undefined;
    const handle = { closed: new Promise<void>((resolve) => (closed = resolve)) };
    const number = (session.newest?.number ?? 0) + 1;
    let server: LoadedServer | undefined;
    let generation: Generation;
    try {
      server = await loadServer(file, () => handle);
      generation = await Generation.connect(server, number, session.id);
    } catch (error) {
      await server?.close().catch(() => undefined);
      reportLoadError(file, error, session.newest !== undefined);
      closed();
      return;
    }
    closers.set(generation, closed);
    if (ui) hiders.set(generation, ui.show(generation.server, `version ${number}`));
    let previous: Generation | undefined;
    try {
      previous = await session.join(generation, JOIN_TIMEOUT_MS);
    } catch (error) {
      reportLoadError(file, error, session.newest !== undefined);
      await retire(generation);
      return;
    }
    if (previous) {
      process.stderr.write(`mcpc serve: reloaded ${file} (version ${number}); version ${previous.number} keeps the tasks it started\n`);
      drain(previous);
    }
  };

  await load();
  let loading = Promise.resolve();
  const watcher = watchFolder(file, () => {
    loading = loading.then(load);
  });
  // Printed once the watcher is in place: a launcher may edit the file as soon as it reads this line.
  if (ui) process.stderr.write(uiLine(ui));
  process.stderr.write(`mcpc serve: serving ${file} on stdio, watching for changes\n`);
  await Promise.race([untilSignal(), left]);
  watcher.close();
  stopping.abort();
  await loading;
  await Promise.all(draining);
  await Promise.all([...session.generations].map((generation) => retire(generation)));
  await host.close();
}
