/**
 * Reports a load that failed under `--watch` (a syntax error, a throwing import,
 * no server exported, a definition error) on stderr: the file, the message, and
 * what keeps serving. The same words over stdio and HTTP.
 */
export function reportLoadError(file: string, error: unknown, serving: boolean): void {
  process.stderr.write(`mcpc serve: could not load ${file}:\n${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write(serving ? "mcpc serve: still serving the previous version; waiting for the next change\n" : "mcpc serve: waiting for the next change\n");
}
