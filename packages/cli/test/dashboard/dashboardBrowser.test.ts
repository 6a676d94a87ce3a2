/// <reference lib="dom" />
// The functions passed to page.waitForFunction and $$eval run in the page: they see the DOM.
/**
 * `mcpc serve --ui` in a real browser: the example server with the dashboard,
 * three background tasks from an SDK client whose rows advance, a Stop click
 * that ends one `cancelled` on the server (its `finally` ran) and on the page,
 * each session's rung, and the refusals without the token or from another origin.
 */
import { request } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BIN, runCli, stopAll } from "../cliHarness.js";
import { describeInBrowser, launchBrowser } from "./browser.js";
import { nativeClient, plainClient, startUiServer } from "./uiServer.js";

/** The example server's source: `mcpc serve` runs it through tsx, as in development. */
const EXAMPLE = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../../examples/process-data/src/server.ts");
/** Long enough steps that a task is still running when the test clicks Stop (5 steps). */
const STEP_MS = "1500";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await stopAll();
});

async function browserPage(url: string): Promise<Page> {
  const browser: Browser = await launchBrowser();
  cleanups.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  cleanups.push(async () => expect(errors, "errors in the page's script").toEqual([]));
  await page.goto(url);
  return page;
}

/** The progress value of each row, by task id. */
function progressOf(page: Page): Promise<Record<string, number>> {
  return page.$$eval("#tasks tr[data-task]", (rows) =>
    Object.fromEntries(rows.map((row) => [(row as HTMLElement).dataset.task ?? "", Number(row.querySelector("progress")?.getAttribute("value") ?? -1)])),
  );
}

describeInBrowser("the dashboard in a browser (mcpc serve --ui)", () => {
  it("shows three tasks advancing, stops one from its button (cancelled on the server, finally ran), and each session's rung", async () => {
    const server = await startUiServer(EXAMPLE, { PROCESS_DATA_STEP_MS: STEP_MS });
    const page = await browserPage(server.page);
    await page.waitForSelector("#conn.live");

    const native = await nativeClient(server.mcp, "dashboard-test-native");
    cleanups.push(() => native.close());
    const plain = await plainClient(server.mcp, "dashboard-test-plain");
    cleanups.push(() => plain.close());
    const tasks = await Promise.all([1, 2, 3].map((n) => native.callTool("process_data", { url: `https://example.com/part-${n}.csv` })));
    const ids = tasks.map((task) => task.taskId);

    // Three rows, and each one's progress moves on while we watch.
    await page.waitForFunction((expected) => expected.every((id) => document.querySelector(`#tasks tr[data-task="${id}"]`)), ids);
    const before = await progressOf(page);
    await page.waitForFunction(
      ({ expected, first }) =>
        expected.every((id) => {
          const value = Number(document.querySelector(`#tasks tr[data-task="${id}"] progress`)?.getAttribute("value") ?? -1);
          return value > (first[id] ?? -1) && value > 0;
        }),
      { expected: ids, first: before },
      { timeout: 15_000 },
    );

    // The sessions table: the MCPC client on the native rung, the plain SDK client on job handles (its calls wait, then get a handle).
    const rungOf = (client: string) => page.locator("#sessions tr", { hasText: client }).getAttribute("data-rung");
    expect(await rungOf("dashboard-test-native")).toBe("native");
    expect(await rungOf("dashboard-test-plain")).toBe("handles");
    expect(await page.locator("#sessions tr", { hasText: "dashboard-test-native" }).locator(".rung").textContent()).toBe("MCPC native");

    // Stop the first one from its row.
    const [stopped = "", ...others] = ids;
    await page.locator(`#tasks tr[data-task="${stopped}"] button.stop`).click();
    const row = page.locator(`#tasks tr[data-task="${stopped}"]`);
    await page.waitForFunction((id) => document.querySelector<HTMLElement>(`#tasks tr[data-task="${id}"]`)?.dataset.status === "cancelled", stopped);
    expect(await row.locator(".update").textContent()).toBe("Stopped from the dashboard");
    expect(await row.locator("button.stop").isVisible()).toBe(false);
    // On the server: cancelled with the dashboard's reason, and the tool's finally block ran (it says so on stderr).
    expect(await native.check(stopped)).toMatchObject({ status: "cancelled", error: "Stopped from the dashboard" });
    expect(await tasks[0]?.result()).toMatchObject({ event: "cancelled" });
    await server.runner.waitFor(new RegExp(`process-data: task ${stopped} stopped; cleaned up`));

    // Its log, on demand: the in-memory store keeps none, so the page shows what it observed, and says so.
    await row.locator("button.log").click();
    await page.waitForSelector('#log-panel[data-source="observed"]');
    expect(await page.locator("#log-note").textContent()).toMatch(/keeps no event log/);
    await page.waitForFunction(() => Array.from(document.querySelectorAll("#log tbody tr")).some((tr) => tr.textContent?.includes("cancelled")));

    // The two others run to their end; their server events ("data ready") show in the feed.
    await page.waitForFunction(
      (expected) => expected.every((id) => document.querySelector<HTMLElement>(`#tasks tr[data-task="${id}"]`)?.dataset.status === "completed"),
      others,
      { timeout: 20_000 },
    );
    await page.waitForFunction(() => document.querySelectorAll('#feed li[data-kind="server_event"]').length >= 2);
    expect(await page.locator("#totals").textContent()).toMatch(/2 sessions · 0 live · 3 ended/);
  }, 60_000);
});

describe("mcpc serve --ui, without a browser", () => {
  it("lists --ui in its help, and refuses --ui-port without --ui", async () => {
    expect((await runCli(["serve", "--help"])).stdout).toMatch(/--ui\b[\s\S]*--ui-port/);
    const refused = await runCli(["serve", EXAMPLE, "--ui-port", "0"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--ui-port needs --ui/);
  });

  it("serves the dashboard next to a stdio server, whose host's session shows as stdio", async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, "serve", EXAMPLE, "--ui"], stderr: "pipe" });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: "stdio-host", version: "3.1.4" });
    await client.connect(transport);
    cleanups.push(() => client.close());
    await client.listTools();
    const page = /dashboard on (\S+)/.exec(stderr)?.[1] ?? "";
    expect(page).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const stream = await fetch(page.replace("/?", "/events?"));
    const reader = stream.body?.getReader();
    cleanups.push(async () => reader?.cancel());
    let text = "";
    while (!text.includes('"transport":"stdio"')) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += Buffer.from(chunk.value).toString("utf8");
    }
    expect(text).toMatch(/"client":"stdio-host","version":"3\.1\.4","transport":"stdio","rung":"handles"/);
  });

  it("refuses the page without its token (401) and from a foreign origin (403)", async () => {
    const server = await startUiServer(EXAMPLE);
    const url = new URL(server.page);
    expect((await get(`${url.origin}/`)).status).toBe(401);
    expect((await get(`${url.origin}/events`)).status).toBe(401);
    expect((await get(`${url.origin}/?token=not-the-token-but-long-enough`)).status).toBe(401);
    expect((await get(server.page, { Origin: "http://evil.example" })).status).toBe(403);
    expect((await get(server.page, { Host: `evil.example:${url.port}` })).status).toBe(403);
    const page = await get(server.page);
    expect(page.status).toBe(200);
    expect(page.body).toContain("<title>mcpc serve</title>");
  });
});

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolveAnswer, reject) => {
    const req = request(url, { headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolveAnswer({ status: response.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
