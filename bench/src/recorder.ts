/**
 * What a bench run records: samples per metric, column and round, and the
 * measurements that failed. Shared by the stdio figures (bench.ts) and the HTTP
 * figures (http/httpBench.ts); the report (report.ts) reads it.
 */

/** One row of the report. */
export interface MetricDef {
  key: string;
  figure: string;
  label: string;
  /** Higher is better (events/s), lower is better (ms, MiB, µs), or a count that should be 0. */
  better: "higher" | "lower" | "zero";
  decimals: number;
}

/** samples[metric][column][round]; NaN where a measurement failed. */
export type Samples = Record<string, Record<string, number[]>>;

/** The column of mcpc driven by our own client in MCPC mode. */
export const MCPC_CLIENT_COLUMN = "mcpc+client";

export type Log = (line: string) => void;

/** The figures of one part of a run (stdio or HTTP). */
export interface FigureSet {
  samples: Samples;
  /** Columns in display order. */
  columns: string[];
  errors: string[];
  notes: string[];
}

export function fmt(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** The items in turn order for a round: A B C, then B C A, … */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Runs measurements and records their values; a failure records NaN and is reported, and the run goes on. */
export class Recorder {
  readonly samples: Samples = {};
  readonly errors: string[] = [];
  readonly #log: Log;
  /** Prefixed to failure messages ("HTTP, "), so the report says which part failed. */
  readonly #part: string;

  constructor(log: Log, part = "") {
    this.#log = log;
    this.#part = part;
  }

  record(metric: string, column: string, round: number, value: number): void {
    const byColumn = (this.samples[metric] ??= {});
    const values = (byColumn[column] ??= []);
    values[round] = value;
  }

  /** One measurement of one column. */
  async measure(what: string, column: string, round: number, keys: readonly string[], body: () => Promise<number[]>): Promise<void> {
    const started = performance.now();
    try {
      const values = await body();
      keys.forEach((key, i) => this.record(key, column, round, values[i] ?? Number.NaN));
      this.#log(`  ${what} ${column}: ${keys.map((k, i) => `${k}=${fmt(values[i] ?? Number.NaN, 2)}`).join(" ")} (${seconds(started)} s)`);
    } catch (error) {
      for (const key of keys) this.record(key, column, round, Number.NaN);
      this.#fail(`round ${round + 1}, ${what}, ${column}: ${(error as Error).message}`);
    }
  }

  /** One measurement of every column at once (an interleaved figure); a failure records NaN for all of `columns`. */
  async measureAll(what: string, round: number, keys: readonly string[], columns: readonly string[], body: () => Promise<Map<string, number[]>>): Promise<void> {
    const started = performance.now();
    try {
      const byColumn = await body();
      for (const [column, values] of byColumn) keys.forEach((key, i) => this.record(key, column, round, values[i] ?? Number.NaN));
      this.#log(`  ${what}: ${[...byColumn].map(([column, values]) => `${column} ${values.map((v) => fmt(v, 1)).join("/")}`).join(", ")} (${seconds(started)} s)`);
    } catch (error) {
      for (const column of columns) for (const key of keys) this.record(key, column, round, Number.NaN);
      this.#fail(`round ${round + 1}, ${what}: ${(error as Error).message}`);
    }
  }

  #fail(message: string): void {
    this.errors.push(`${this.#part}${message}`);
    this.#log(`  FAILED ${this.#part}${message}`);
  }
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
