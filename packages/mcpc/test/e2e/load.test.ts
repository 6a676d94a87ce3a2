/**
 * A bounded load check on the loopback: 100 concurrent Streamable HTTP sessions,
 * each running 10 background tasks to completion. Nothing may be lost; the
 * server's RSS is printed for the record (measured, never asserted).
 */
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { McpcClient } from "../../src/client/index.js";
import { collect } from "./scenarios.js";
import { HttpFixture, openMcpc } from "./transportHarness.js";

const SESSIONS = 100;
const TASKS_PER_SESSION = 10;
const UPDATES = 10;

describe("load over Streamable HTTP", () => {
  let server: HttpFixture | undefined;
  const clients: McpcClient[] = [];
  beforeAll(async () => {
    server = await HttpFixture.start();
  });
  afterAll(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
    await server?.stop();
  });

  it(`runs ${SESSIONS} sessions × ${TASKS_PER_SESSION} background tasks to completion with no event lost`, { timeout: 120_000 }, async () => {
    const running = server;
    if (!running) throw new Error("the HTTP fixture is not running");
    const rssBefore = running.rssMiB();
    const startedAt = performance.now();
    const connected = await Promise.all(Array.from({ length: SESSIONS }, () => openMcpc(new StreamableHTTPClientTransport(running.url))));
    clients.push(...connected);
    let peakRss = running.rssMiB();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, running.rssMiB())), 50);
    try {
      const outcomes = await Promise.all(
        connected.map(async (client) => {
          const handles = await Promise.all(Array.from({ length: TASKS_PER_SESSION }, () => client.callTool("count", { n: UPDATES, delayMs: 5 })));
          const all = await Promise.all(handles.map(collect));
          return all.map((events, i) => ({ seqs: events.map((e) => e.seq), last: events.at(-1), missed: handles[i]?.missed ?? -1 }));
        }),
      );
      const tasks = outcomes.flat();
      expect(tasks).toHaveLength(SESSIONS * TASKS_PER_SESSION);
      const expected = Array.from({ length: UPDATES + 2 }, (_, k) => k + 1);
      const incomplete = tasks.filter((task) => JSON.stringify(task.seqs) !== JSON.stringify(expected) || task.missed !== 0 || task.last?.event !== "complete");
      expect(incomplete).toEqual([]);
    } finally {
      clearInterval(sampler);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const rssAfter = running.rssMiB();
    peakRss = Math.max(peakRss, rssAfter);
    console.info(
      `[load] ${SESSIONS} sessions × ${TASKS_PER_SESSION} tasks × ${UPDATES + 2} events in ${seconds.toFixed(2)} s; ` +
        `server RSS ${rssBefore} MiB before, ${peakRss} MiB peak, ${rssAfter} MiB after`,
    );
  });
});
