import { watch, type FSWatcher } from "node:fs";
import { dirname } from "node:path";

/** How long the watcher waits for a burst of file events to settle before reloading. */
const DEBOUNCE_MS = 100;

/**
 * Watches the folder of `file` (recursively, minus `node_modules`, `dist` and
 * dot-folders) and calls `onChange` once a burst of changes has settled.
 * `close()` also clears a pending call.
 */
export function watchFolder(file: string, onChange: () => void): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(file), { recursive: true }, (_event, name) => {
    if (name !== null && /(^|\/)(node_modules|dist|\.[^/]+)(\/|$)/.test(name)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, DEBOUNCE_MS);
  });
  const close = watcher.close.bind(watcher);
  watcher.close = () => {
    clearTimeout(timer);
    close();
  };
  return watcher;
}
