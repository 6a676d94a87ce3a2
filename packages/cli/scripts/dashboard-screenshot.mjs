/* global URL, document, window -- Node's URL; document and window inside the functions that run in the page */
// Remakes docs/dashboard.png: runs `pnpm demo:ui`'s script with quicker steps, lets tasks
// start, finish and send their server events, stops one from its row, opens its log, and
// takes the page with Debian's Chromium (playwright-core; /usr/bin/chromium or MCPC_CHROMIUM).
//   node packages/cli/scripts/dashboard-screenshot.mjs docs/dashboard.png
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const out = process.argv[2];
if (!out) throw new Error("usage: node packages/cli/scripts/dashboard-screenshot.mjs <file.png>");
const demoScript = fileURLToPath(new URL("./demo-ui.mjs", import.meta.url));
const demo = spawn(process.execPath, [demoScript], { env: { ...process.env, PROCESS_DATA_STEP_MS: "1800" }, stdio: ["ignore", "pipe", "inherit"] });
let printed = "";
const url = await new Promise((resolve, reject) => {
  demo.once("exit", (code) => reject(new Error(`the demo exited (${code}) before it printed the dashboard's URL`)));
  demo.stdout.on("data", (chunk) => {
    printed += chunk.toString();
    const found = /Open the dashboard:\s+(\S+)/.exec(printed)?.[1];
    if (found) resolve(found);
  });
});
const browser = await chromium.launch({ executablePath: process.env.MCPC_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 1010 } });
  await page.goto(url);
  // Long enough for the first batch to finish (five steps) while later ones run.
  await page.waitForTimeout(13_000);
  const row = page.locator("#tasks tr[data-status=working]").nth(1);
  const task = await row.getAttribute("data-task");
  await row.locator("button.stop").click();
  await page.waitForFunction((id) => document.querySelector(`#tasks tr[data-task="${id}"]`)?.dataset.status === "cancelled", task);
  await page.locator(`#tasks tr[data-task="${task}"] button.log`).click();
  await page.waitForSelector("#log-panel:not([hidden]) tbody tr");
  // The notice of the stop fades after 4 s.
  await page.waitForTimeout(4_600);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out });
} finally {
  await browser.close();
  demo.kill("SIGTERM");
}
