/**
 * Maps a tool's yields onto MCP progress values, which must strictly increase:
 * the tool's own `progress` when it increases, otherwise a counter (the first
 * yield without numbers is 0, so `"Starting…"` then `{ progress: 1, total: 5 }`
 * reads 0, 1 of 5); a heartbeat repeats the last message a thousandth higher.
 */
export interface ProgressParams {
  /** The call's token, when the counter was made with one (then these are ready-made notification params). */
  progressToken?: string | number;
  progress: number;
  total?: number;
  message?: string;
}

export class ProgressCounter {
  readonly #token: string | number | undefined;
  #last: number | undefined;
  #total: number | undefined;
  #message: string | undefined;
  /** How many notifications were made. */
  count = 0;

  /** With a `progressToken`, each result is a complete `notifications/progress` params object (no copy on the hot path). */
  constructor(progressToken?: string | number) {
    this.#token = progressToken;
  }

  /** The progress params for one yielded value. */
  next(value: unknown): ProgressParams {
    let own: number | undefined;
    let message: string | undefined;
    if (typeof value === "string") {
      message = value;
    } else if (typeof value === "number" && Number.isFinite(value)) {
      own = value;
    } else if (typeof value === "object" && value !== null) {
      const v = value as { progress?: unknown; total?: unknown; message?: unknown; status?: unknown };
      if (typeof v.progress === "number" && Number.isFinite(v.progress)) own = v.progress;
      if (typeof v.total === "number" && Number.isFinite(v.total)) this.#total = v.total;
      if (typeof v.message === "string") message = v.message;
      else if (typeof v.status === "string") message = v.status;
      else if (own === undefined) message = JSON.stringify(value);
    }
    const last = this.#last;
    const progress = own !== undefined && (last === undefined || own > last) ? own : last === undefined ? 0 : last + 1;
    return this.#make(progress, message);
  }

  /** The params of a heartbeat: the last message, a little further on. */
  heartbeat(): ProgressParams {
    const last = this.#last;
    return this.#make(last === undefined ? 0 : last + 0.001, this.#message);
  }

  #make(progress: number, message: string | undefined): ProgressParams {
    this.#last = progress;
    this.count++;
    if (message !== undefined) this.#message = message;
    const params: ProgressParams = this.#token === undefined ? { progress } : { progressToken: this.#token, progress };
    if (this.#total !== undefined) params.total = this.#total;
    if (this.#message !== undefined) params.message = this.#message;
    return params;
  }
}
