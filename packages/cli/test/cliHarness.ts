import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The built bin. */
export const BIN = resolve(here, "../dist/main.js");
/** The built example server. */
export const EXAMPLE_SERVER = resolve(here, "../../../examples/process-data/dist/server.js");

/** A running `mcpc` (or other) process with its output collected. */
export interface Running {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code once it exited. */
  readonly exited: Promise<number | null>;
  /** Resolves once stderr (or stdout) matches. */
  waitFor(pattern: RegExp, stream?: "stdout" | "stderr"): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

const running = new Set<Running>();

/** Starts `node BIN ...args`. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): Running {
  return start(process.execPath, [BIN, ...args], env);
}

/** Starts any command, collecting its output. */
export function start(command: string, args: readonly string[], env: Record<string, string> = {}): Running {
  const child = spawn(command, args, { env: { ...process.env, ...env, NO_COLOR: "1" }, stdio: ["pipe", "pipe", "pipe"] });
  const waiters = new Set<() => void>();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const run: Running = {
    child,
    stdout: "",
    stderr: "",
    exited,
    waitFor(pattern, stream = "stderr") {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = run[stream].match(pattern);
          if (match) {
            waiters.delete(check);
            resolve(match);
            return true;
          }
          return false;
        };
        if (check()) return;
        waiters.add(check);
        void exited.then(() => {
          if (!check()) reject(new Error(`exited before ${stream} matched ${pattern}:\n${run.stderr}\n${run.stdout}`));
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      running.delete(run);
    },
  };
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    run.stdout += chunk.toString();
    wake();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    run.stderr += chunk.toString();
    wake();
  });
  running.add(run);
  return run;
}

/** Stops everything started (afterEach). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((run) => run.stop()));
}

/** Runs the bin to completion. */
export async function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  run.child.stdin?.end();
  const code = await run.exited;
  running.delete(run);
  return { code, stdout: run.stdout, stderr: run.stderr };
}

/** A temp folder under this one (so `mcpc` and `zod` resolve from it, through this package's node_modules); removed by the returned function. */
export function tempFolder(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(here, ".tmp-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A server file: `slow` (background) yields progress every `stepMs` for `steps` steps and
 * returns `version`; its finally writes `<markerDir>/<taskId>.<version>` (ended on the server).
 * `version` reports the code's version synchronously. The file serves itself, as user files do.
 */
export function writeServerFile(path: string, version: string, markerDir: string, options: { steps?: number; stepMs?: number; broken?: boolean } = {}): void {
  const steps = options.steps ?? 5;
  const stepMs = options.stepMs ?? 20;
  writeFileSync(
    path,
    `import { writeFileSync } from "node:fs";
import { McpcServer, Tool, type TaskContext } from "mcpc";
import { z } from "zod";
${options.broken ? "const broken = ;\n" : ""}
export class Fixture extends McpcServer {
  @Tool({ description: "Counts slowly", input: z.object({ steps: z.number().optional() }), background: true })
  async *slow({ steps }: { steps?: number }, task: TaskContext) {
    try {
      const n = steps ?? ${steps};
      for (let step = 1; step <= n; step++) {
        await task.sleep(${stepMs});
        yield { progress: step, total: n, message: "step " + step };
      }
      return ${JSON.stringify(version)};
    } finally {
      writeFileSync(${JSON.stringify(markerDir)} + "/" + task.taskId + ".${version}", "ended");
    }
  }

  @Tool({ description: "The code's version" })
  version() {
    return ${JSON.stringify(version)};
  }
}

await new Fixture({ name: "fixture", version: "1.0.0" }).serve();
`,
  );
}
