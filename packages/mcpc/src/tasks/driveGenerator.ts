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
 * `context` is handed to `onYield` (and `onEnd`) with each call, so a caller
 * running many generators passes shared functions instead of closures per
 * generator; `onEnd` hears the outcome from inside this loop, so such a caller
 * need not keep a frame of its own waiting for it.
 *
 * If delivering a value fails (`onYield` throws or its promise rejects), the
 * generator is finished (its `finally` blocks run) and the outcome is `threw`.
 */
export async function driveGenerator<C = undefined>(
  generator: AsyncGenerator<unknown, unknown, undefined>,
  signal: { readonly aborted: boolean },
  onYield: (context: C, value: unknown) => void | Promise<void>,
  context?: C,
  onEnd?: (context: C, outcome: DriveOutcome) => void,
): Promise<DriveOutcome> {
  let outcome: DriveOutcome;
  for (;;) {
    let step: IteratorResult<unknown, unknown>;
    try {
      step = await generator.next();
    } catch (error) {
      outcome = signal.aborted ? { kind: "stopped" } : { kind: "threw", error };
      break;
    }
    if (signal.aborted) {
      if (!step.done) await finishGenerator(generator);
      outcome = { kind: "stopped" };
      break;
    }
    if (step.done) {
      outcome = { kind: "returned", value: step.value };
      break;
    }
    try {
      const pending = onYield(context as C, step.value);
      if (pending) await pending;
    } catch (error) {
      await finishGenerator(generator);
      outcome = signal.aborted ? { kind: "stopped" } : { kind: "threw", error };
      break;
    }
  }
  onEnd?.(context as C, outcome);
  return outcome;
}

/** Resumes a suspended generator with `return()`, so its `finally` blocks run; errors there are the tool's own. */
async function finishGenerator(generator: AsyncGenerator<unknown, unknown, undefined>): Promise<void> {
  try {
    await generator.return(undefined);
  } catch {
    // A finally block that throws while stopping changes nothing: the task is cancelled either way.
  }
}
