/// <reference lib="dom" />
// The functions passed to page.evaluate, addInitScript and waitForFunction run in the page: they see the DOM.
/**
 * The dashboard with 1,000 live tasks, each yielding four times a second
 * (4,000 updates a second): the page's update stream stays bounded (one
 * coalesced message per interval, each no bigger than a page of rows) and the
 * page stays usable. The figures are measured in the browser and printed for
 * the record; only sizes are asserted, never times.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterEach, expect, it } from "vitest";
import { stopAll, tempFolder, writeServerFile } from "../cliHarness.js";
import { describeInBrowser, launchBrowser } from "./browser.js";
import { nativeClient, startUiServer } from "./uiServer.js";

const TASKS = 1_000;
const STEP_MS = 250;
const WINDOW_MS = 5_000;

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAll();
});

/** What the page records about its stream (installed before the page's own script runs). */
interface StreamRecord {
  /** Per `tick` message: arrival (ms), bytes, time in the page's handler, time to the next frame. */
  messages: { at: number; bytes: number; handlerMs: number; frameMs: number }[];
}

/** Wraps EventSource so that each `tick` handler is timed: to its end, and to the next animation frame (layout and paint included). */
function instrument(): void {
  const record: StreamRecord = { messages: [] };
  (window as unknown as { streamRecord: StreamRecord }).streamRecord = record;
  type Listener = (this: EventSource, event: MessageEvent<string>) => void;
  const add = EventSource.prototype.addEventListener as (this: EventSource, type: string, listener: Listener) => void;
  EventSource.prototype.addEventListener = function (this: EventSource, type: string, listener: Listener) {
    if (type !== "tick") return add.call(this, type, listener);
    add.call(this, type, function (this: EventSource, event) {
      const start = performance.now();
      listener.call(this, event);
      const handled = performance.now();
      const entry = { at: start, bytes: new Blob([event.data]).size, handlerMs: handled - start, frameMs: 0 };
      record.messages.push(entry);
      requestAnimationFrame(() => (entry.frameMs = performance.now() - start));
    });
  } as EventSource["addEventListener"];
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

async function timeClick(page: Page, button: string): Promise<number> {
  const first = await page.locator("#tasks tr[data-row-id]").first().getAttribute("data-row-id");
  const started = Date.now();
  await page.click(button);
  await page.waitForFunction((id) => document.querySelector("#tasks tr[data-row-id]")?.getAttribute("data-row-id") !== id, first, { polling: "raf" });
  return Date.now() - started;
}

describeInBrowser(`the dashboard with ${TASKS.toLocaleString("en")} live tasks`, () => {
  it("keeps its update stream bounded and the page usable (figures printed)", async () => {
    const { dir, remove } = tempFolder();
    cleanups.push(remove);
    const markers = join(dir, "markers");
    mkdirSync(markers);
    const file = join(dir, "server.ts");
    writeServerFile(file, "v1", markers, { steps: 1_000_000, stepMs: STEP_MS });
    const server = await startUiServer(file);
    const client = await nativeClient(server.mcp, "load");
    cleanups.push(() => client.close());
    for (let started = 0; started < TASKS; started += 100) {
      await Promise.all(Array.from({ length: 100 }, () => client.callTool("slow", {})));
    }

    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(instrument);
    const opened = Date.now();
    await page.goto(server.page);
    await page.waitForFunction((n) => document.querySelector("#range")?.textContent?.endsWith(`of ${n.toLocaleString()}`), TASKS);
    const firstPaintMs = Date.now() - opened;

    // A window of steady state: every task yields meanwhile, the page gets what changed on its page.
    const from = await page.evaluate(() => (window as unknown as { streamRecord: StreamRecord }).streamRecord.messages.length);
    await page.waitForTimeout(WINDOW_MS);
    const messages = (await page.evaluate(() => (window as unknown as { streamRecord: StreamRecord }).streamRecord.messages)).slice(from);
    const nextPageMs = await timeClick(page, "#next");
    const domRows = await page.locator("#tasks tr").count();
    const liveFilterMs = await timeClick(page, "[data-filter=live]");
    // Stopping one task from its row while the rest keep yielding: the click's answer waits for its finally block.
    const target = await page.locator("#tasks tr[data-task]").first().getAttribute("data-task");
    const stopStarted = Date.now();
    await page.click(`#tasks tr[data-task="${target}"] button.stop`);
    await page.waitForFunction((id) => document.querySelector(`#tasks tr[data-task="${id}"]`)?.getAttribute("data-status") === "cancelled" || !document.querySelector(`#tasks tr[data-task="${id}"]`), target, { polling: "raf" });
    const stopClickToCancelledMs = Date.now() - stopStarted;

    const seconds = WINDOW_MS / 1_000;
    const bytes = messages.reduce((sum, message) => sum + message.bytes, 0);
    const figures = {
      tasks: TASKS,
      updatesPerSecondOnServer: (TASKS * 1_000) / STEP_MS,
      messagesPerSecond: +(messages.length / seconds).toFixed(1),
      kilobytesPerSecond: +(bytes / 1_024 / seconds).toFixed(1),
      largestMessageBytes: Math.max(...messages.map((message) => message.bytes)),
      handlerMsMedian: +quantile(messages.map((m) => m.handlerMs), 0.5).toFixed(2),
      handlerMsP95: +quantile(messages.map((m) => m.handlerMs), 0.95).toFixed(2),
      toNextFrameMsMedian: +quantile(messages.map((m) => m.frameMs), 0.5).toFixed(1),
      toNextFrameMsP95: +quantile(messages.map((m) => m.frameMs), 0.95).toFixed(1),
      firstPageShownMs: firstPaintMs,
      nextPageClickToRowsMs: nextPageMs,
      liveFilterClickToRowsMs: liveFilterMs,
      stopClickToCancelledMs,
      taskRowsInDom: domRows,
    };
    console.log(`dashboard, ${TASKS} live tasks: ${JSON.stringify(figures, null, 2)}`);

    // Bounded by design, whatever the machine's speed: one page of rows in the DOM and per message.
    expect(messages.length).toBeGreaterThan(0);
    expect(domRows).toBeLessThanOrEqual(50);
    expect(figures.largestMessageBytes).toBeLessThan(64 * 1_024);
  }, 180_000);
});
