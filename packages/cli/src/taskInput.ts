import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { SendOutcome, TaskHandle, TaskQuestion } from "mcpc/client";

/** Where typed lines go, and where what came of them is said. */
export interface TaskInputTarget {
  readonly handle: Pick<TaskHandle, "question" | "send">;
  /** Says one line to the user (above the progress bars on a terminal). */
  note(text: string): void;
}

/** The single string property of an object schema (`{ choice: string }`), if that is all the answer is. */
function singleStringProperty(schema: Record<string, unknown> | undefined): string | undefined {
  if (schema?.type !== "object" || typeof schema.properties !== "object" || schema.properties === null) return undefined;
  const entries = Object.entries(schema.properties as Record<string, { type?: unknown }>);
  if (entries.length !== 1) return undefined;
  const [name, property] = entries[0] as [string, { type?: unknown }];
  return property.type === "string" ? name : undefined;
}

/**
 * What a typed line means as a message: its JSON when it parses, else the text
 * itself. Text answering a question whose schema is an object of one string
 * property is wrapped in it (`paris-fr` → `{ "choice": "paris-fr" }`), so the
 * user types the answer, not its envelope.
 */
export function messageOfLine(line: string, question: TaskQuestion | undefined): unknown {
  let value: unknown = line;
  try {
    value = JSON.parse(line);
  } catch {
    // Not JSON: the text itself.
  }
  const property = question ? singleStringProperty(question.schema) : undefined;
  return property !== undefined && typeof value === "string" ? { [property]: value } : value;
}

/** A question in one line, with what to type: the choices of a one-string answer, else its JSON Schema. */
export function describeQuestion(toolName: string, question: TaskQuestion): string {
  const property = singleStringProperty(question.schema);
  const choices = property === undefined ? undefined : ((question.schema.properties as Record<string, { enum?: unknown }>)[property]?.enum as unknown[] | undefined);
  const hint =
    property === undefined
      ? Object.keys(question.schema).length === 0
        ? "type the answer (JSON, or text)"
        : `type JSON matching ${JSON.stringify(question.schema)}`
      : Array.isArray(choices)
        ? `type one of: ${choices.map(String).join(", ")}`
        : "type the answer";
  return `? ${toolName} asks: ${question.question} (${hint})`;
}

function describeOutcome(outcome: SendOutcome): string {
  return outcome.answered ? "mcpc: answered" : `mcpc: sent (${outcome.queued} waiting to be read)`;
}

/**
 * Reads lines from `input` for as long as the task runs, and sends each one to
 * it: the answer to its pending question, else a message for its inbox. The
 * server judges the message (a tool without `accepts` refuses it); its refusal
 * is shown and the next line may try again. One line at a time, in order.
 * The terminal stays in line mode: Ctrl-C remains the shell's interrupt.
 */
export function readTaskInput(target: TaskInputTarget, input: Readable): { close(): void } {
  const lines = createInterface({ input, terminal: false });
  let sending = Promise.resolve();
  lines.on("line", (line) => {
    const text = line.trim();
    if (text === "") return;
    sending = sending.then(async () => {
      try {
        target.note(describeOutcome(await target.handle.send(messageOfLine(text, target.handle.question))));
      } catch (error) {
        target.note(`mcpc: not sent: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  });
  return {
    close: () => {
      lines.close();
      // The interface leaves its input flowing: a terminal's stdin would keep the process alive.
      input.pause();
    },
  };
}
