import { writeFileSync } from "node:fs";

/** What a version of the watch fixture does besides its tools. */
export interface WatchServerOptions {
  /** A syntax error: the load fails. */
  broken?: boolean;
  /** Prints to stdout while it loads and from its `version` tool (`console.log` and `process.stdout.write`). */
  noisy?: boolean;
  /** Job handles: a plain call of `slow` still running after this many ms is answered with a handle. */
  handleAfterMs?: number;
}

/**
 * A server file for `mcpc serve --watch` tests, `version` (like "v1") naming its code:
 * - `slow` (background) yields an update every 25 ms until `<state>/release-<key>` exists
 *   (or `steps` updates without a key), returns the version, and in its `finally` writes
 *   `<state>/<taskId>.<version>`: which code ended the task, on the server;
 * - `version` answers the version;
 * - `only_<version>`: a tool each version has alone, so the tool list shows which code lists it.
 *
 * Keep `state` outside the watched folder: a marker written there would be a change to reload on.
 */
export function writeWatchServer(path: string, version: string, state: string, options: WatchServerOptions = {}): void {
  const noise = options.noisy ? `console.log("noise while loading ${version}");\nprocess.stdout.write("raw noise while loading\\n");\n` : "";
  writeFileSync(
    path,
    `import { existsSync, writeFileSync } from "node:fs";
import { McpcServer, Tool, type TaskContext } from "mcpc";
import { z } from "zod";
${options.broken ? "const broken = ;\n" : ""}${noise}
const STATE = ${JSON.stringify(state)};
const VERSION = ${JSON.stringify(version)};

export class Fixture extends McpcServer {
  @Tool({ description: "Counts until released", input: z.object({ key: z.string().optional(), steps: z.number().optional() }), background: true })
  async *slow({ key, steps }: { key?: string; steps?: number }, task: TaskContext) {
    try {
      for (let step = 1; ; step++) {
        await task.sleep(25);
        yield { progress: step, message: "step " + step };
        if (key !== undefined ? existsSync(STATE + "/release-" + key) : step >= (steps ?? 3)) break;
      }
      return VERSION;
    } finally {
      writeFileSync(STATE + "/" + task.taskId + "." + VERSION, "ended");
    }
  }

  @Tool({ description: "The code's version" })
  version() {
    ${options.noisy ? 'console.log("noise from a tool"); process.stdout.write("raw noise from a tool\\n");' : ""}
    return VERSION;
  }

  @Tool({ description: "A tool only ${version} has" })
  only_${version}() {
    return VERSION;
  }
}

await new Fixture({ name: "fixture", version: "1.0.0"${options.handleAfterMs === undefined ? "" : `, jobHandles: { afterMs: ${options.handleAfterMs} }`} }).serve();
`,
  );
}
