import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const client = fileURLToPath(new URL("../dist/client.js", import.meta.url));

/** Runs the built client (which starts the built server) with short steps; its stdout lines without the times. */
async function conversation(places: string[] = []): Promise<string[]> {
  const { stdout } = await run(process.execPath, [client, ...places], { env: { ...process.env, RESEARCH_STEP_MS: "300" }, timeout: 20_000 });
  return stdout
    .trim()
    .split("\n")
    .map((line) => line.replace(/^\s*\d+ ms {2}/, ""));
}

describe("the research demo", () => {
  it("shows the conversation: a focus sent mid-run changes the next steps, the question is answered, the task completes with nothing missed", async () => {
    const lines = await conversation();
    expect(lines[0]).toBe("connected; MCPC enabled by the server");
    expect(lines[1]).toMatch(/^research runs in the background: task [0-9a-f-]{36}$/);
    expect(lines.slice(2, -2)).toEqual([
      "#1   created  null",
      "#2   update   1/4 Lyon (Auvergne-Rhône-Alpes, France): its old town is a UNESCO World Heritage Site",
      '>>   send {"focus":"USA"}: 1 message(s) waiting to be read',
      "#3   update   focus: USA (from your message)",
      "#4   update   2/4 skipped Toulouse: not in USA",
      '?    I found 2 places called "Springfield" in USA: which one did you mean? (springfield-il | springfield-mo)',
      '>>   answer {"place":"springfield-il"}: answered',
      "#5   update   3/4 Springfield (Illinois, USA): it is the capital of Illinois",
      "#6   update   4/4 Paris (Texas, USA): its Eiffel Tower replica wears a red cowboy hat",
    ]);
    const complete = JSON.parse(lines.at(-2)?.replace(/^#7 {3}complete /, "") ?? "null") as unknown;
    expect(complete).toEqual({
      focus: "USA",
      report: [
        { place: "Lyon (Auvergne-Rhône-Alpes, France)", id: "lyon-fr", fact: "its old town is a UNESCO World Heritage Site" },
        { place: "Springfield (Illinois, USA)", id: "springfield-il", fact: "it is the capital of Illinois" },
        { place: "Paris (Texas, USA)", id: "paris-tx", fact: "its Eiffel Tower replica wears a red cowboy hat" },
      ],
    });
    expect(lines.at(-1)).toBe("complete: 3 places researched, focus USA, 0 events missed");
  });

  it("asks which place a name meant within the focus, and skips a name the data set does not have", async () => {
    const lines = await conversation(["Lyon", "Portland", "Atlantis", "Paris"]);
    expect(lines.filter((line) => line.startsWith("?"))).toEqual(['?    I found 2 places called "Portland" in USA: which one did you mean? (portland-or | portland-me)']);
    expect(lines).toContain("#4   update   2/4 Portland (Oregon, USA): it is the largest city in Oregon");
    expect(lines).toContain("#5   update   3/4 skipped Atlantis: not in the data set");
    expect(lines).toContain("#6   update   4/4 Paris (Texas, USA): its Eiffel Tower replica wears a red cowboy hat");
    expect(lines.at(-1)).toBe("complete: 3 places researched, focus USA, 0 events missed");
  });
});
