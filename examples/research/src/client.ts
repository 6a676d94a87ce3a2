/**
 * The conversation with a running task: starts the research server as a child
 * process, calls `research` as a background task, prints its events as they
 * come, tells it mid-run to focus on the USA, and answers the question it asks
 * when a name matches several places (this client declares no elicitation, so
 * the question comes as an `input_required` event and the answer goes back with
 * `task.answer`).
 *
 *   node dist/client.js [place ...]     (default: Lyon Toulouse Springfield Paris)
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpcClient } from "mcpc/client";

const places = process.argv.length > 2 ? process.argv.slice(2) : ["Lyon", "Toulouse", "Springfield", "Paris"];
const serverPath = fileURLToPath(new URL("./server.js", import.meta.url));
const started = Date.now();
const at = () => `${String(Date.now() - started).padStart(5)} ms`;

/** The options of a one-property `enum` answer schema (the places to choose from). */
function choicesOf(schema: Record<string, unknown>): string[] {
  const properties = (schema.properties ?? {}) as Record<string, { enum?: unknown[] }>;
  return Object.values(properties).flatMap((property) => (property.enum ?? []).map(String));
}

const client = new McpcClient(new Client({ name: "research-demo", version: "1.0.0" }));
await client.connect(
  new StdioClientTransport({ command: process.execPath, args: [serverPath], env: { ...process.env } as Record<string, string>, stderr: "inherit" }),
);
console.log(`${at()}  connected; MCPC ${client.mcpcEnabled ? "enabled" : "not offered"} by the server`);

const task = await client.callTool("research", { places });
console.log(`${at()}  research runs in the background: task ${task.taskId}`);

let focused = false;
for await (const event of task.events()) {
  if (event.type === "input_required") {
    // The task waits on a question: pick the first place it offers, and answer.
    const { question, schema } = event.result;
    const choices = choicesOf(schema);
    console.log(`${at()}  ?    ${question} (${choices.join(" | ")})`);
    const answer = { place: choices[0] };
    const outcome = await task.answer(answer);
    console.log(`${at()}  >>   answer ${JSON.stringify(answer)}: ${outcome.answered ? "answered" : "not an answer"}`);
    continue;
  }
  const result = event.result as { message?: unknown } | string | null;
  const text = typeof result === "string" ? result : typeof result?.message === "string" ? result.message : JSON.stringify(result);
  console.log(`${at()}  ${`#${event.seq}`.padEnd(4)} ${event.event.padEnd(8)} ${text}`);
  if (!focused && event.event === "update") {
    // After the first finding, change course: only places in the USA from now on.
    focused = true;
    const outcome = await task.send({ focus: "USA" });
    console.log(`${at()}  >>   send {"focus":"USA"}: ${outcome.queued} message(s) waiting to be read`);
  }
}

const final = await task.result();
const report = final.event === "complete" ? (final.result as { report: unknown[]; focus: string }) : undefined;
console.log(`${at()}  ${final.event}: ${report ? `${report.report.length} places researched, focus ${report.focus}, ` : ""}${task.missed} events missed`);
await client.close();
