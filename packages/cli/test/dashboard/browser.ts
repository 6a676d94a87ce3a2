/**
 * A real browser for the dashboard tests: Debian's Chromium driven by
 * playwright-core (Playwright's own browser download is not reachable from
 * these machines). Found by path; `.ci/run` installs it where it is missing.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { beforeAll, describe } from "vitest";

/** Where the browser is looked for: `MCPC_CHROMIUM`, else Debian's package. */
export const CHROMIUM = process.env.MCPC_CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumMissing: string | undefined = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set MCPC_CHROMIUM`;

/**
 * `describe` for tests that need the browser. Without one they are skipped,
 * with the reason in the suite's title, on a developer's machine; under CI (the
 * `CI` variable set) a missing browser fails the run instead of hiding the tests.
 */
export function describeInBrowser(title: string, body: () => void): void {
  if (chromiumMissing !== undefined && !process.env.CI) {
    // Said on stderr too: a skipped suite's title alone is easy to miss in the summary.
    console.warn(`${title}: skipped, ${chromiumMissing}`);
    describe.skip(`${title} (skipped: ${chromiumMissing})`, body);
    return;
  }
  describe(title, () => {
    beforeAll(() => {
      if (chromiumMissing !== undefined) throw new Error(`${chromiumMissing}. CI is set, so the browser tests must run.`);
    });
    body();
  });
}

/** Launches the browser headless. `--no-sandbox`: Chromium refuses to run as root (CI containers) with its sandbox on. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}
