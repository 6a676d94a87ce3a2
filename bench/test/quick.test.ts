/**
 * Keeps the harness from rotting: runs `pnpm bench --quick` in-process (tiny sizes, one round)
 * against freshly built servers and checks that every server answered and every figure is a
 * finite number. It says nothing about speed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { METRICS, SERVERS, renderReport, runBench, type BenchResult } from "../src/bench.js";

const benchDir = fileURLToPath(new URL("..", import.meta.url));
const mcpcDir = fileURLToPath(new URL("../../packages/mcpc", import.meta.url));
const tsc = (cwd: string) => execFileSync(process.execPath, [tscBin(cwd), "-p", "tsconfig.build.json"], { cwd, stdio: "inherit" });

function tscBin(cwd: string): string {
  for (const dir of [cwd, join(cwd, ".."), join(cwd, "../..")]) {
    const bin = join(dir, "node_modules/typescript/bin/tsc");
    if (existsSync(bin)) return bin;
  }
  throw new Error("typescript is not installed");
}

describe("pnpm bench --quick", () => {
  let result: BenchResult;

  beforeAll(async () => {
    // The servers run as plain `node` on compiled JS: build mcpc and the bench first.
    tsc(mcpcDir);
    tsc(benchDir);
    result = await runBench({ quick: true, log: () => undefined });
  });

  it("every server answered every figure", () => {
    expect(result.errors).toEqual([]);
    for (const server of SERVERS) {
      for (const metric of ["tp.client.eps", "tp.bare.eps", "tp.first.cpu", "lat.p50", "scale.rss", "cold.list", "echo.cps"]) {
        expect(result.samples[metric]?.[server.id], `${metric} of ${server.id}`).toHaveLength(1);
      }
    }
  });

  it("every figure is a finite number", () => {
    for (const metric of METRICS) {
      const byColumn = result.samples[metric.key];
      if (!byColumn) continue; // the McpcClient-only rows when mcpc/client is not built
      for (const [column, values] of Object.entries(byColumn)) {
        for (const value of values) expect(Number.isFinite(value), `${metric.key} of ${column} is ${value}`).toBe(true);
      }
    }
  });

  it("renders a report", () => {
    const out = join(mkdtempSync(join(tmpdir(), "mcpc-bench-")), "BENCHMARKS.md");
    writeFileSync(out, renderReport(result, "pnpm bench --quick"));
    const text = readFileSync(out, "utf8");
    expect(text).toContain("## Ratios to the raw SDK");
    expect(text).toContain("## Ratios to the floor");
    for (const server of SERVERS) expect(text).toContain(server.label);
  });
});
