/**
 * Runs one async generator to its end, handing each yielded value to `onYield`.
 *
 * Deliberately allocation-free per step: no `Promise.race` with the abort signal
 * and no timer per event. A tool that ignores its signal is ended by the caller's
 * grace period instead (see `TaskRegistry.stop`), so this loop never needs to win a race.
 */

/** How a generator ended. */
export type DriveOutcome =
  | { kind: "returned"; value: unknown }
  | { kind: "threw"; error: unknown }
  | { kind: "stopped" };

/**
 * `context` is handed to `onYield` with each value, so a caller running many
 * generators can pass one shared function instead of a closure per generator.
 */
export async function driveGenerator<C = undefined>(
  generator: AsyncGenerator<unknown, unknown, undefined>,
  signal: { readonly aborted: boolean },
  onYield: (context: C, value: unknown) => void | Promise<void>,
  context?: C,
): Promise<DriveOutcome> {
  for (;;) {
    let step: IteratorResult<unknown, unknown>;
    try {
      step = await generator.next();
    } catch (error) {
      return signal.aborted ? { kind: "stopped" } : { kind: "threw", error };
    }
    if (signal.aborted) {
      if (!step.done) await finishGenerator(generator);
      return { kind: "stopped" };
    }
    if (step.done) return { kind: "returned", value: step.value };
    const pending = onYield(context as C, step.value);
    if (pending) await pending;
  }
}

/** Resumes a suspended generator with `return()`, so its `finally` blocks run; errors there are the tool's own. */
async function finishGenerator(generator: AsyncGenerator<unknown, unknown, undefined>): Promise<void> {
  try {
    await generator.return(undefined);
  } catch {
    // A finally block that throws while stopping changes nothing: the task is cancelled either way.
  }
}
