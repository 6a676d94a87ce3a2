/**
 * Reading a {@link FigureSet} for the report: medians, per-round ratios, the
 * fastmcp verdict, and the tables both parts of BENCHMARKS.md print.
 */
import { fmt, type FigureSet, type MetricDef } from "./recorder.js";
import { median, sum } from "./stats.js";

/** The median of a metric for a column, across rounds (NaN rounds left out). */
export function medianOf(set: FigureSet, metric: string, column: string): number {
  const values = (set.samples[metric]?.[column] ?? []).filter((v) => Number.isFinite(v));
  return median(values);
}

/** (column / base) within each round, for the rounds where both were measured. */
export function roundRatios(set: FigureSet, metric: string, column: string, base: string): number[] {
  const a = set.samples[metric]?.[column] ?? [];
  const b = set.samples[metric]?.[base] ?? [];
  const ratios: number[] = [];
  for (let r = 0; r < Math.max(a.length, b.length); r++) {
    const x = a[r];
    const y = b[r];
    if (x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) && y !== 0) ratios.push(x / y);
  }
  return ratios;
}

/** The median over rounds of (column / base) taken within each round. */
export function ratioOf(set: FigureSet, metric: string, column: string, base: string): number {
  return median(roundRatios(set, metric, column, base));
}

/** Share of rounds a figure must go one way for a win or a loss to be called; below it, the rounds disagree: a tie within noise. */
export const CONSISTENT_SHARE = 0.8;

/**
 * Who is ahead on one figure, from the per-round ratios (column / base): ahead when
 * at least {@link CONSISTENT_SHARE} of the rounds say so; otherwise a tie (the
 * rounds disagree, so the median ratio's side is the machine's noise, not the servers').
 */
export function verdict(ratios: readonly number[], better: MetricDef["better"]): "won" | "lost" | "tie" {
  if (ratios.length === 0) return "tie";
  const wins = ratios.filter((x) => (better === "higher" ? x > 1 : x < 1)).length;
  const losses = ratios.filter((x) => (better === "higher" ? x < 1 : x > 1)).length;
  if (wins >= CONSISTENT_SHARE * ratios.length) return "won";
  if (losses >= CONSISTENT_SHARE * ratios.length) return "lost";
  return "tie";
}

/** The sum over rounds of a count (events lost). */
export function lossTotal(set: FigureSet, metric: string, column: string): number {
  return sum((set.samples[metric]?.[column] ?? []).filter((v) => Number.isFinite(v)));
}

/** Report-writing helpers bound to one part's figures and column labels. */
export class Tables {
  readonly lines: string[] = [];
  readonly #set: FigureSet;
  readonly #label: (column: string) => string;
  readonly #present: readonly MetricDef[];

  constructor(set: FigureSet, metrics: readonly MetricDef[], label: (column: string) => string) {
    this.#set = set;
    this.#label = label;
    this.#present = metrics.filter((m) => set.samples[m.key] !== undefined);
  }

  medians(title: string): void {
    const { columns } = this.#set;
    this.lines.push(`### ${title}`, "");
    this.lines.push(`| fig | figure | ${columns.map(this.#label).join(" | ")} |`, `|---|---|${columns.map(() => "--:").join("|")}|`);
    for (const m of this.#present) {
      const cells = columns.map((c) => (this.#set.samples[m.key]?.[c] ? fmt(medianOf(this.#set, m.key, c), m.decimals) : "—"));
      this.lines.push(`| ${m.figure} | ${m.label} | ${cells.join(" | ")} |`);
    }
    this.lines.push("", "Events lost are per run (median across rounds); the totals over all rounds are below.", "");
  }

  ratios(base: string, title: string): void {
    const others = this.#set.columns.filter((c) => c !== base);
    this.lines.push(`### ${title}`, "");
    this.lines.push("Median over rounds of the per-round ratio (each server against the base measured in the same round). For events/s, calls/s and set-ups/s higher is better; for the rest lower is better.", "");
    this.lines.push(`| fig | figure | ${others.map(this.#label).join(" | ")} |`, `|---|---|${others.map(() => "--:").join("|")}|`);
    for (const m of this.#present.filter((p) => p.better !== "zero" && this.#set.samples[p.key]?.[base])) {
      const cells = others.map((c) => (this.#set.samples[m.key]?.[c] ? `${fmt(ratioOf(this.#set, m.key, c, base), 2)}×` : "—"));
      this.lines.push(`| ${m.figure} | ${m.label} | ${cells.join(" | ")} |`);
    }
    this.lines.push("");
  }

  losses(title: string): void {
    const { columns } = this.#set;
    this.lines.push(`### ${title}`, "");
    this.lines.push(`| figure | ${columns.map(this.#label).join(" | ")} |`, `|---|${columns.map(() => "--:").join("|")}|`);
    for (const m of this.#present.filter((p) => p.better === "zero")) {
      const cells = columns.map((c) => {
        const runs = (this.#set.samples[m.key]?.[c] ?? []).filter((v) => Number.isFinite(v)).length;
        return this.#set.samples[m.key]?.[c] ? `${fmt(lossTotal(this.#set, m.key, c), 0)} in ${runs} run(s)` : "—";
      });
      this.lines.push(`| ${m.label} | ${cells.join(" | ")} |`);
    }
    this.lines.push("");
  }

  /** Starts a targets table; add rows with {@link target}. */
  targets(title: string): void {
    this.lines.push(`### ${title}`, "", "| target | where we stand | met |", "|---|---|:-:|");
  }

  target(what: string, value: number, ok: boolean, shown: string): void {
    this.lines.push(`| ${what} | ${Number.isFinite(value) ? shown : "n/a"} | ${Number.isFinite(value) ? (ok ? "yes" : "**no**") : "—"} |`);
  }

  /** A ratio target row: mcpc / base (median of per-round ratios) against a bound. */
  ratioTarget(what: string, metric: string, bound: number, column = "mcpc", base = "sdk"): void {
    const value = ratioOf(this.#set, metric, column, base);
    const better = this.#present.find((m) => m.key === metric)?.better ?? "lower";
    this.target(what, value, better === "higher" ? value >= bound : value <= bound, `${fmt(value, 2)}×`);
  }

  /** mcpc against fastmcp, figure by figure: beaten only where the rounds agree (see {@link verdict}). */
  fastmcpTarget(what: string): void {
    const versus = this.#present
      .filter((m) => m.better !== "zero" && this.#set.samples[m.key]?.fastmcp && this.#set.samples[m.key]?.mcpc)
      .map((m) => {
        const ratios = roundRatios(this.#set, m.key, "mcpc", "fastmcp");
        const ahead = ratios.filter((x) => (m.better === "higher" ? x > 1 : x < 1)).length;
        return { text: `${m.label} (${fmt(median(ratios), 2)}× fastmcp, ahead in ${ahead} of ${ratios.length} rounds)`, verdict: verdict(ratios, m.better) };
      });
    const lostTo = versus.filter((v) => v.verdict === "lost").map((v) => v.text);
    const tied = versus.filter((v) => v.verdict === "tie").map((v) => v.text);
    const beaten = versus.length - lostTo.length - tied.length;
    const standing = [`beaten on ${beaten} of ${versus.length}`, lostTo.length > 0 ? `lost on: ${lostTo.join("; ")}` : "", tied.length > 0 ? `tied within noise (the rounds disagree) on: ${tied.join("; ")}` : ""]
      .filter(Boolean)
      .join("; ");
    this.target(what, beaten, beaten === versus.length, standing);
  }

  /** The part's notes and failures. */
  notes(): void {
    if (this.#set.notes.length === 0 && this.#set.errors.length === 0) return;
    this.lines.push("### Notes", "");
    for (const note of this.#set.notes) this.lines.push(`- ${note}`);
    for (const error of this.#set.errors) this.lines.push(`- FAILED: ${error}`);
    this.lines.push("");
  }
}
