import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const client = fileURLToPath(new URL("../dist/client.js", import.meta.url));

describe("the process-data demo", () => {
  it("prints created first, the five steps in order, the server event and complete, with nothing missed", async () => {
    const { stdout } = await run(process.execPath, [client, "https://example.com/x.csv"], {
      env: { ...process.env, PROCESS_DATA_STEP_MS: "20" },
      timeout: 20_000,
    });
    const lines = stdout.trim().split("\n");
    const events = lines.map((line) => /#(\d+)\s+(\w+)/.exec(line)).filter((m) => m !== null).map((m) => [Number(m[1]), m[2]]);
    expect(events).toEqual([
      [1, "created"],
      [2, "update"],
      [3, "update"],
      [4, "update"],
      [5, "update"],
      [6, "update"],
      [7, "update"],
      [8, "complete"],
    ]);
    expect(stdout).toContain("MCPC enabled");
    expect(stdout).toMatch(/process_data answered at once: task [0-9a-f-]{36} \(background\)/);
    expect(stdout).toContain("add(2, 3) = 5");
    expect(stdout).toMatch(/server_event notification: \{"message":"Data from https:\/\/example.com\/x.csv is ready"/);
    expect(stdout).toContain('"summary":"Processed data. No issues."');
    expect(stdout).toContain("complete: 0 events missed");
  });
});
