import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SCAFFOLDER_DIR, findCheckout, readCheckout } from "../src/index.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
const rootPackage = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as { packageManager: string };

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "create-mcpc-checkout-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the marks of a checkout: a pnpm workspace with packages/mcpc and packages/cli of those names. */
async function fakeCheckout(root: string, names = { mcpc: "mcpc", cli: "@mcpc/cli" }): Promise<void> {
  await mkdir(join(root, "packages/mcpc"), { recursive: true });
  await mkdir(join(root, "packages/cli"), { recursive: true });
  await writeFile(join(root, "pnpm-workspace.yaml"), "packages: [packages/*]\n");
  await writeFile(join(root, "packages/mcpc/package.json"), JSON.stringify({ name: names.mcpc }));
  await writeFile(join(root, "packages/cli/package.json"), JSON.stringify({ name: names.cli }));
}

describe("finding a checkout of the mcpc repository", () => {
  it("finds this repository from the scaffolder's own folder, with the pnpm its packageManager pins", async () => {
    expect(SCAFFOLDER_DIR).toBe(join(repoRoot, "packages/create-mcpc-server/"));
    expect(await findCheckout()).toEqual({ root: repoRoot, pnpm: rootPackage.packageManager.split("+")[0] });
  });

  it("finds none from a scaffolder installed in node_modules (npm create)", async () => {
    await mkdir(join(dir, "node_modules/create-mcpc-server"), { recursive: true });
    expect(await findCheckout(join(dir, "node_modules/create-mcpc-server"))).toBeUndefined();
  });

  it("reads a folder as a checkout only when it is a pnpm workspace whose packages/mcpc and packages/cli are mcpc and @mcpc/cli", async () => {
    await fakeCheckout(join(dir, "ok"));
    expect(await readCheckout(join(dir, "ok"))).toEqual({ root: join(dir, "ok"), pnpm: "pnpm@10" });
    await fakeCheckout(join(dir, "fork"), { mcpc: "mcpc", cli: "other-cli" });
    expect(await readCheckout(join(dir, "fork"))).toBeUndefined();
    await fakeCheckout(join(dir, "no-workspace"));
    await rm(join(dir, "no-workspace/pnpm-workspace.yaml"));
    expect(await readCheckout(join(dir, "no-workspace"))).toBeUndefined();
    expect(await readCheckout(join(dir, "missing"))).toBeUndefined();
  });

  it("takes the pnpm version from the root package.json's packageManager, without its hash", async () => {
    await fakeCheckout(dir);
    await writeFile(join(dir, "package.json"), JSON.stringify({ packageManager: "pnpm@10.34.9+sha512.abc" }));
    expect((await readCheckout(dir))?.pnpm).toBe("pnpm@10.34.9");
  });
});
