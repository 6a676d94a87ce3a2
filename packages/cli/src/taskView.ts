import { MultiBar, Presets, type SingleBar } from "cli-progress";
import type { TaskHandleEvent } from "mcpc/client";

/** Shows task events: a progress bar per task on a terminal, one line per event otherwise. */
export interface TaskView {
  show(message: TaskHandleEvent): void;
  /** Says one line to the user: on stderr, or above the bars on a terminal. */
  note(text: string): void;
  /** Stops redrawing (the bars stay on screen). */
  stop(): void;
}

/** Reads `{ progress, total?, message? }` out of an `update` event's result, if it has one. */
export function readProgress(result: unknown): { progress: number; total: number | undefined; message: string | undefined } | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const { progress, total, message } = result as { progress?: unknown; total?: unknown; message?: unknown };
  if (typeof progress !== "number" || !Number.isFinite(progress)) return undefined;
  return {
    progress,
    total: typeof total === "number" && Number.isFinite(total) && total > 0 ? total : undefined,
    message: typeof message === "string" ? message : undefined,
  };
}

/** Reads `{ status, message? }` out of an `update` event's result (an MCP task's status change), if it is one. */
export function readStatus(result: unknown): { status: string; message: string | undefined } | undefined {
  if (typeof result !== "object" || result === null) return undefined;
  const { status, message } = result as { status?: unknown; message?: unknown };
  if (typeof status !== "string") return undefined;
  return { status, message: typeof message === "string" ? message : undefined };
}

/** An update's text: its message, with the status when it is not plain `working`; else the value itself. */
function describe(result: unknown): string {
  const status = readStatus(result);
  if (status) return status.status === "working" && status.message !== undefined ? status.message : [status.status.replace("_", " "), status.message].filter(Boolean).join(": ");
  return typeof result === "string" ? result : JSON.stringify(result) ?? String(result);
}

/** The view for this terminal: bars when stdout is a TTY, lines on stderr when it is not. */
export function createTaskView(tty: boolean = process.stdout.isTTY === true): TaskView {
  return tty ? new BarView() : new LineView();
}

/** One line per event on stderr, so stdout keeps only the final result. */
class LineView implements TaskView {
  show(message: TaskHandleEvent): void {
    const progress = message.event === "update" ? readProgress(message.result) : undefined;
    // `created` says nothing a reader needs (an MCP task's is the server's whole task record; the mode line names it).
    const detail = progress
      ? `${progress.progress}${progress.total === undefined ? "" : `/${progress.total}`}${progress.message ? ` ${progress.message}` : ""}`
      : message.type === "input_required"
        ? message.result.question
        : message.event === "created"
          ? "null"
          : describe(message.result);
    process.stderr.write(`[${message.tool_name} ${message.task_id.slice(0, 8)}] ${message.event}${detail === "null" ? "" : ` ${detail}`}\n`);
  }

  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  stop(): void {}
}

/** A cli-progress bar per task, with the latest message next to it. */
class BarView implements TaskView {
  readonly #bars = new MultiBar(
    { format: "{task} [{bar}] {value}/{total} {status}", hideCursor: true, clearOnComplete: false, stopOnComplete: false, stream: process.stdout, forceRedraw: true },
    Presets.shades_classic,
  );
  readonly #byTask = new Map<string, SingleBar>();

  show(message: TaskHandleEvent): void {
    let bar = this.#byTask.get(message.task_id);
    if (!bar) {
      bar = this.#bars.create(1, 0, { task: message.tool_name, status: message.event });
      this.#byTask.set(message.task_id, bar);
    }
    const progress = message.event === "update" ? readProgress(message.result) : undefined;
    if (progress) {
      if (progress.total !== undefined) bar.setTotal(progress.total);
      bar.update(progress.progress, { status: progress.message ?? "" });
    } else if (message.event === "update") {
      bar.update({ status: describe(message.result) });
    } else if (message.type === "input_required") {
      bar.update({ status: "waiting for an answer" });
    } else if (message.event === "complete") {
      bar.update(bar.getTotal(), { status: "complete" });
    } else if (message.event !== "created") {
      bar.update({ status: message.event });
    }
  }

  note(text: string): void {
    if (this.#byTask.size === 0 || !this.#bars.isActive) {
      process.stdout.write(`${text}\n`);
      return;
    }
    // Above the bars, drawn now: a note left for the next redraw is lost if the bars stop first.
    this.#bars.log(`${text}\n`);
    this.#bars.update();
  }

  stop(): void {
    this.#bars.stop();
  }
}
