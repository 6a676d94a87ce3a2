import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const typedocBin = join(createRequire(import.meta.url).resolve("typedoc/package.json"), "..", "bin", "typedoc");
const out = mkdtempSync(join(tmpdir(), "mcpc-typedoc-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it("typedoc builds the API reference from the root typedoc.json with no warnings or errors", () => {
  // typedoc.json sets treatWarningsAsErrors: a broken {@link}, a type referenced but not
  // exported, or malformed TSDoc makes typedoc exit non-zero.
  const run = spawnSync(process.execPath, [typedocBin, "--options", join(root, "typedoc.json"), "--out", out], {
    cwd: root,
    encoding: "utf8",
  });
  const output = `${run.stdout}${run.stderr}`;
  expect(output).not.toMatch(/\[(warning|error)\]/);
  expect(run.status, output).toBe(0);
  // One page per package export, and the main classes documented.
  for (const page of ["mcpc.html", "mcpc_client.html", "mcpc_http.html", "mcpc_helper.html", "mcpc_engine.html"]) {
    expect(existsSync(join(out, "modules", page)), page).toBe(true);
  }
  const server = readFileSync(join(out, "classes", "mcpc.McpcServer.html"), "utf8");
  expect(server).toContain("serve");
  expect(existsSync(join(out, "classes", "mcpc_client.McpcClient.html"))).toBe(true);
});
