/** The HTTP outbound gauge on real sockets: a client that stops reading makes it congested, reading again releases it. */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ResponseGauge } from "../../../src/transports/http/responseGauge.js";

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server whose one response is handed to the test, and a client that holds it unread. */
async function stalledPair(): Promise<{ response: ServerResponse; client: IncomingMessage }> {
  let handed: (response: ServerResponse) => void = () => undefined;
  const responseArrived = new Promise<ServerResponse>((resolve) => (handed = resolve));
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.flushHeaders();
    handed(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  const client = await new Promise<IncomingMessage>((resolve, reject) => {
    const get = request({ host: "127.0.0.1", port, path: "/", method: "GET" }, (incoming) => {
      incoming.pause();
      resolve(incoming);
    });
    get.on("error", reject);
    get.end();
  });
  return { response: await responseArrived, client };
}

/**
 * Writes 64 KiB chunks until the socket stays full. On loopback the kernel
 * buffers take megabytes (and grow as they fill), so the first "full" passes
 * within microseconds: each `drain` that comes is followed by more writes, until
 * none comes for 50 ms with the client not reading.
 */
async function fillUntilStalled(response: ServerResponse): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 120);
  for (let i = 0; i < 10_000; i++) {
    if (response.write(chunk)) continue;
    const quiet = AbortSignal.timeout(50);
    const drained = await once(response, "drain", { signal: quiet }).then(
      () => true,
      () => false,
    );
    if (!drained) return;
  }
  throw new Error("the socket never stalled");
}

describe("ResponseGauge", () => {
  it("is not congested while a response takes what is written, nor with no response at all", async () => {
    const gauge = new ResponseGauge();
    expect(gauge.congested()).toBe(false);
    const { response, client } = await stalledPair();
    gauge.track(response);
    expect(gauge.congested()).toBe(false);
    await expect(gauge.writable()).resolves.toBeUndefined();
    client.destroy();
  });

  it("is congested once an unread response needs a drain, and writable() resolves when the client reads again", async () => {
    const gauge = new ResponseGauge();
    const { response, client } = await stalledPair();
    gauge.track(response);
    await fillUntilStalled(response);
    expect(gauge.congested()).toBe(true);
    let released = false;
    const writable = gauge.writable().then(() => (released = true));
    // The same wait for every caller: no promise per waiting task.
    expect(gauge.writable()).toBe(gauge.writable());
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(false);
    client.resume();
    await writable;
    expect(gauge.congested()).toBe(false);
    client.destroy();
  });

  it("releases its waiters when the congested response closes, and when the session closes", async () => {
    const gauge = new ResponseGauge();
    const first = await stalledPair();
    gauge.track(first.response);
    await fillUntilStalled(first.response);
    const waiting = gauge.writable();
    first.client.destroy();
    await waiting;
    expect(gauge.congested()).toBe(false);
    expect(gauge.size).toBe(0);

    const second = await stalledPair();
    gauge.track(second.response);
    await fillUntilStalled(second.response);
    const stillWaiting = gauge.writable();
    gauge.close();
    await stillWaiting;
    expect(gauge.congested()).toBe(false);
    second.client.destroy();
  });
});
