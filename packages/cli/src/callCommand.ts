import { defineCommand } from "citty";
import type { McpcClient, McpcTaskMessage, TaskHandle } from "mcpc/client";
import { connectClient } from "./connect.js";
import { Interrupted, UsageError } from "./runCli.js";
import { describeQuestion, readTaskInput } from "./taskInput.js";
import { createTaskView } from "./taskView.js";

/** `mcpc call <server> <tool>`: starts a tool, shows its events live, prints the result. */
export const callCommand = defineCommand({
  meta: {
    name: "call",
    description:
      "Call a tool: live task events (MCPC tasks, MCP tasks or progress) with a progress bar, then the final result; Ctrl-C stops the task on the server. " +
      "From a terminal (or with --interactive), a question the task asks is shown and the line you type answers it; a line typed while it runs is sent to it",
  },
  args: {
    server: { type: "positional", description: "A command that starts a stdio server (quoted), or an http(s):// URL", required: true },
    tool: { type: "positional", description: "The tool's name", required: true },
    arg: { type: "string", description: "An argument as key=value (repeatable); the value is JSON when it parses, else a string", valueHint: "key=value" },
    json: { type: "string", description: "All arguments as one JSON object (--arg entries are merged over it)", valueHint: "{...}" },
    interactive: {
      type: "boolean",
      description: "Read stdin while the task runs: each line answers its question or is sent to it (JSON when it parses, else text). Default: on when stdin is a terminal",
    },
  },
  async run({ args, rawArgs }) {
    const toolArgs = parseToolArguments(typeof args.json === "string" ? args.json : undefined, collectFlag(rawArgs, "arg"));
    const client = await connectClient(args.server);
    const view = createTaskView();
    const abort = new AbortController();
    let interrupted = false;
    let onSigint: (() => void) | undefined;
    let stopInput: (() => void) | undefined;
    try {
      const handle = await client.callTool(args.tool, toolArgs, { request: { signal: abort.signal, timeout: 24 * 60 * 60 * 1000 } });
      process.stderr.write(`${describeMode(client, handle)}\n`);
      const interactive = readsInput(rawArgs) && (handle.mode === "background" || handle.mode === "mcp-task");
      const input = interactive ? readTaskInput({ handle, note: (text) => view.note(text) }, process.stdin) : undefined;
      stopInput = () => input?.close();
      const interruptedPromise = new Promise<void>((resolve) => {
        onSigint = () => {
          interrupted = true;
          resolve();
        };
        process.once("SIGINT", onSigint);
      });
      const shown = (async () => {
        for await (const event of handle.events()) {
          view.show(event);
          if (event.type !== "input_required") continue;
          const question = { id: event.result.question_id, question: event.result.question, schema: event.result.schema };
          view.note(interactive ? describeQuestion(handle.toolName, question) : "mcpc: the task waits for an answer; run mcpc call from a terminal, or with --interactive, to give one.");
        }
      })();
      const first = await Promise.race([handle.result().then((terminal) => ({ terminal })), interruptedPromise.then(() => undefined)]);
      if (first === undefined) {
        view.stop();
        process.stderr.write(`\nmcpc: stopping task ${handle.taskId} on the server...\n`);
        if ((handle.mode === "background" && client.dialect === "native") || handle.mode === "mcp-task") {
          const { task } = await handle.stop();
          throw new Interrupted(`mcpc: task ${handle.taskId} stopped (${task.status}).`);
        }
        abort.abort(new Error("Interrupted"));
        throw new Interrupted(`mcpc: call of ${args.tool} cancelled.`);
      }
      await shown;
      view.stop();
      printResult(first.terminal);
      if (first.terminal.event !== "complete") throw new Error(`Tool ${args.tool} ${first.terminal.event}.`);
    } catch (error) {
      view.stop();
      if (interrupted && !(error instanceof Interrupted)) throw new Interrupted(`mcpc: interrupted (${error instanceof Error ? error.message : String(error)}).`);
      throw error;
    } finally {
      stopInput?.();
      if (onSigint) process.off("SIGINT", onSigint);
      await client.close().catch(() => undefined);
    }
  },
});

/** Whether to read stdin for the task: `--interactive` / `--no-interactive` as given, else when stdin is a terminal. */
function readsInput(rawArgs: readonly string[]): boolean {
  const flag = rawArgs.findLast((arg) => arg === "--interactive" || arg === "--no-interactive");
  return flag === undefined ? process.stdin.isTTY === true : flag === "--interactive";
}

/** One line on how the call runs: which kind of task (and whose id), or a synchronous call. */
export function describeMode(client: Pick<McpcClient, "dialect">, handle: Pick<TaskHandle, "mode" | "taskId" | "toolName">): string {
  if (handle.mode === "background") return `mcpc: ${handle.toolName} runs as an MCPC task (${client.dialect} dialect), task ${handle.taskId}`;
  if (handle.mode === "mcp-task") return `mcpc: ${handle.toolName} runs as an MCP task (tasks/get, tasks/result), task ${handle.taskId}`;
  return `mcpc: ${handle.toolName} is called synchronously (no task)`;
}

function printResult(terminal: McpcTaskMessage): void {
  const result = terminal.result;
  const text = typeof result === "string" ? result : JSON.stringify(result, null, 2);
  if (terminal.event === "complete") process.stdout.write(`${text}\n`);
  else process.stderr.write(`${terminal.event}: ${text}\n`);
}

/** Every value of a repeatable string flag (`--arg a=1 --arg=b=2`); citty keeps only the last. */
export function collectFlag(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i];
    if (arg === "--") break;
    if (arg === `--${name}`) {
      const value = rawArgs[i + 1];
      if (value !== undefined) values.push(value);
      i++;
    } else if (arg?.startsWith(`--${name}=`)) {
      values.push(arg.slice(name.length + 3));
    }
  }
  return values;
}

/** Builds the tool's arguments from `--json` and `--arg k=v` entries (values are JSON when they parse). */
export function parseToolArguments(json: string | undefined, pairs: readonly string[]): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new UsageError(`--json is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new UsageError("--json must be a JSON object, e.g. '{\"url\":\"https://example.com\"}'.");
    base = parsed as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`--arg needs key=value; got "${pair}".`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Not JSON: the string itself.
    }
    base[pair.slice(0, at)] = value;
  }
  return base;
}
