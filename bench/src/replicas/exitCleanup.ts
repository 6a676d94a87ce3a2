/**
 * Last-resort cleanup of the child processes the Redis part starts: on SIGINT,
 * SIGTERM or any exit of the harness, every registered cleanup runs (synchronously),
 * so no redis-server or replica outlives a run that was interrupted or failed.
 */

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // One failed cleanup must not keep the others from running.
    }
  }
}

// A listener on SIGINT replaces Node's default exit, so the handler exits itself, with the shell's code for the signal.
const onSigint = () => {
  runAll();
  process.exit(130);
};
const onSigterm = () => {
  runAll();
  process.exit(143);
};

/**
 * Runs `cleanup` if the process exits or is interrupted before the returned
 * function is called (the normal path, once the child was stopped). `cleanup` must be synchronous.
 */
export function onExitCleanup(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) {
    process.on("exit", runAll);
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigterm);
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    // Listeners only while something is to be cleaned: Ctrl-C keeps its default meaning otherwise.
    if (cleanups.size === 0) {
      process.off("exit", runAll);
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
    }
  };
}
