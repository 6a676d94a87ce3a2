/** Without `redis-server` on PATH the Redis part is skipped, not failed, and the report says why. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NO_REDIS_SERVER, runRedisBench } from "../src/replicas/replicaBench.js";
import { renderReplicaReport } from "../src/replicas/replicaReport.js";

describe("the Redis part without redis-server", () => {
  const path = process.env.PATH;
  beforeEach(() => {
    process.env.PATH = "";
  });
  afterEach(() => {
    process.env.PATH = path;
  });

  it("is skipped, saying why, in the log and in the report", async () => {
    const log: string[] = [];
    const result = await runRedisBench({ quick: true, log: (line) => log.push(line) });
    expect(result.skipped).toBe(NO_REDIS_SERVER);
    expect(result.errors).toEqual([]);
    expect(log.join("\n")).toContain(NO_REDIS_SERVER);
    const report = renderReplicaReport(result).join("\n");
    expect(report).toContain("## Replicas on Redis");
    expect(report).toContain(`**Skipped:** ${NO_REDIS_SERVER}`);
  });
});
