/** Something told once when a task is stopped: an object, so nobody needs a closure to listen. */
export interface StopListener {
  handleEvent(): void;
}

/** The abort state of a task, as its tool and the runtime read it. */
export interface StopSource {
  readonly aborted: boolean;
  /** Why it was stopped (an `Error`), once it was. */
  readonly reason: unknown;
  /** Tells `listener` once, when the task is stopped; at once if it already was. */
  onStop(listener: StopListener): void;
}

/**
 * A task's stop switch, with its `AbortSignal` made only when somebody reads
 * `signal` (the tool, or a request to the client). Most tools never do, and an
 * AbortController with its signal is ≈450 bytes per live task; the engine and
 * `sleep` use {@link aborted} and {@link onStop} instead.
 */
export class TaskControl implements StopSource {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;
  #listener: StopListener | undefined;
  #more: StopListener[] | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** Aborted when the task is stopped. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  onStop(listener: StopListener): void {
    if (this.#aborted) {
      listener.handleEvent();
      return;
    }
    if (this.#listener === undefined) this.#listener = listener;
    else (this.#more ??= []).push(listener);
  }

  /** Stops the task: `signal` aborts with `reason`, each stop listener is told once. Idempotent. */
  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const first = this.#listener;
    const more = this.#more;
    this.#listener = undefined;
    this.#more = undefined;
    first?.handleEvent();
    if (more) for (const listener of more) listener.handleEvent();
  }
}

/** An `AbortSignal` seen as a {@link StopSource} (ordinary tools, and tests). */
export function signalStopSource(signal: AbortSignal): StopSource {
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason() {
      return signal.reason as unknown;
    },
    onStop(listener) {
      if (signal.aborted) listener.handleEvent();
      else signal.addEventListener("abort", listener, { once: true });
    },
  };
}
