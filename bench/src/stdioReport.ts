/** The stdio part of BENCHMARKS.md (issue 3's figures, and issue 18's stdio targets). */
import { ECHO_BLOCK, LATENCY_INTERVAL_MS, SCALE_INTERVAL_MS } from "./stdioFigures.js";
import { SERVERS, METRICS, type BenchResult } from "./bench.js";
import { MCPC_CLIENT_COLUMN, fmt } from "./recorder.js";
import { CONSISTENT_SHARE, Tables, lossTotal } from "./tables.js";
import { sum } from "./stats.js";
import { STDIO_PROFILES } from "./profiles.js";

function columnLabel(column: string): string {
  if (column === MCPC_CLIENT_COLUMN) return "mcpc (McpcClient)";
  return SERVERS.find((s) => s.id === column)?.label ?? column;
}

export function renderStdioReport(result: BenchResult): string[] {
  const { config, columns } = result;
  const t = new Tables(result, METRICS, columnLabel);
  const { lines } = t;
  lines.push("## stdio", "");
  lines.push(
    `Each server a stdio child process. Sizes: ${config.rounds} round(s), servers interleaved (A B C D, B C D A, …); throughput n = ${fmt(config.throughputN, 0)} at intervalMs 0, measured on the call after ${config.throughputWarmups} warm-up call(s) of the same size; latency ${fmt(config.latencyMs / 1000, 1)} s at intervalMs 1 per server in ${config.latencyBlocks} blocks taking turns, after a ${fmt(config.latencyWarmupMs / 1000, 1)} s warm-up stream; scale K = ${fmt(config.scaleK, 0)} calls × one update / 100 ms for ${fmt(config.scaleMs / 1000, 1)} s${columns.includes(MCPC_CLIENT_COLUMN) ? ` (and K = ${fmt(config.scaleBigK, 0)} background tasks through McpcClient, round 1 only)` : ""}; cold start median of ${config.coldStarts} spawns per server per round, spawns interleaved server by server (${config.coldStarts * config.rounds} per server in all); echo ${fmt(config.echoCalls, 0)} sequential calls per server, in blocks of ${ECHO_BLOCK} taking turns; ${fmt(result.seconds, 0)} s.`,
    "",
  );
  t.medians("Medians across rounds (stdio)");
  t.ratios("sdk", "Ratios to the raw SDK (stdio)");
  t.ratios("floor", "Ratios to the floor (stdio)");

  t.targets("Targets of issues 3 and 18 (stdio)");
  const lostKeys = ["tp.client.lost", "tp.bare.lost", "lat.lost", "scale.lost", "big.lost"];
  const lost = sum(lostKeys.flatMap((k) => [lossTotal(result, k, "mcpc"), lossTotal(result, k, MCPC_CLIENT_COLUMN)]));
  t.ratioTarget("server ceiling ≥ 1.5× raw SDK events/s", "tp.bare.eps", 1.5);
  t.ratioTarget("server CPU per event ≤ 0.7× raw SDK (bare reader)", "tp.bare.cpu", 0.7);
  t.ratioTarget("ceiling (bare reader) ≥ 0.85× the raw-pipe floor (issue 18)", "tp.bare.eps", 0.85, "mcpc", "floor");
  t.target("0 events lost (mcpc, SDK Client fallback and McpcClient)", lost, lost === 0, `${fmt(lost, 0)} lost`);
  t.ratioTarget("latency p50 at ~1,000 ev/s ≤ 1.0× raw SDK (issue 18)", "lat.p50", 1.0);
  t.ratioTarget("latency p99 at ~1,000 ev/s ≤ 0.6× raw SDK (issue 18)", "lat.p99", 0.6);
  t.ratioTarget(`lag p50 at K = ${fmt(config.scaleK, 0)} ≤ 0.8× raw SDK (issue 18)`, "scale.p50", 0.8);
  t.ratioTarget(`lag p99 at K = ${fmt(config.scaleK, 0)} ≤ 0.8× raw SDK (issue 18)`, "scale.p99", 0.8);
  t.ratioTarget("peak RSS at K ≤ 1.0× raw SDK", "scale.rss", 1.0);
  t.ratioTarget("cold start ≤ 1.1× raw SDK", "cold.list", 1.1);
  t.ratioTarget("sequential echo ≥ 0.95× raw SDK", "echo.cps", 0.95);
  t.fastmcpTarget(`fastmcp beaten on every figure in ≥ ${CONSISTENT_SHARE * 100} % of rounds (mcpc via the SDK Client)`);
  lines.push("");
  // No target of its own (no row above); like every figure it counts in the fastmcp comparison.
  lines.push(
    `Beside the lag at K, figure 3 reports the lateness from the call (receipt − (the call's send time + i × ${SCALE_INTERVAL_MS} ms) for update i), which has no target of its own but counts in the comparison with fastmcp: the lag counts from the server's \`yield\`, so a server slow to start its K tasks or slow per event queues that work before it takes its timestamp and is not charged for it, while a fast server's queueing comes after it (in the pipe and the client); the lateness charges both alike, as a user would feel it.`,
    "",
  );
  t.losses("Events lost, all rounds (stdio)");

  lines.push("### How it is measured (stdio)", "");
  lines.push(
    "- Every measurement spawns a fresh server (`node dist/servers/<name>.js`, compiled by `tsc`, so no tsx start-up) and kills it afterwards. The mcpc server runs with every default, job handles included (a plain call still running after 45 s would be answered with a handle; no bench call runs that long, and turning them off changed nothing measurable at K = 1,000).",
    `- 1: ${config.throughputWarmups + 1} \`stream(n, 0)\` calls in a row on one connection; the figures are those of the last, so the server (and the client) run warm: the first call on a fresh process also pays V8's JIT for its code path — compiles on background threads, which the CPU figure counts, and a second compile of what the end of a call deoptimizes — a one-time cost of tens of milliseconds that n = 20,000 would spread over every event. The first call is reported on its own rows (1c, “first call on a fresh server”). Losses count every call.`,
    "- 1b: through the SDK `Client` with an `onprogress` callback (so a `progressToken`); mcpc answers it with its synchronous fallback. Events/s = updates received / (call → answer). Lost = n − received (the SDK client drops progress that shares a read with the response, typescript-sdk#2580).",
    "- 1c: the same calls written and read by hand (a bare line reader that counts progress lines without parsing them and answers server pings): the server's own ceiling. Server CPU = the child's time on a CPU during the call (the sum over its threads of `/proc/<pid>/task/<tid>/schedstat`, in nanoseconds; 10 ms ticks from `/proc/<pid>/stat` where that is missing), divided by n.",
    `- 2: every server connected at once and warmed up with a ${fmt(config.latencyWarmupMs / 1000, 1)} s stream at the same pace (losses counted, lags not), then ${config.latencyBlocks} \`stream(${fmt(Math.round(config.latencyMs / config.latencyBlocks / LATENCY_INTERVAL_MS), 0)}, ${LATENCY_INTERVAL_MS})\` calls each, taking turns (rotating the order), so a burst of load on the shared machine lands on every server alike; p50 and p99 over all of a server's blocks. Each update carries the server's reading of the machine's monotonic clock (\`process.hrtime\`, one clock for all processes; \`performance.timeOrigin\` differs by up to milliseconds between processes); lag = the client's reading at receipt − that. Drift-corrected pacing (~1,000 events/s).`,
    `- 3: K concurrent \`stream(n, ${SCALE_INTERVAL_MS})\` calls through one SDK \`Client\`, all sent at once (a burst of task starts); peak RSS = VmHWM of the child from \`/proc/<pid>/status\`; lag as in 2, p50 and p99 over every update of every call. Lateness from the call, for update i (the notification's \`progress\`; through McpcClient, the update's) = receipt − (the client's clock just before it sent that call + i × ${SCALE_INTERVAL_MS} ms), both on the client's clock, p50 and p99 over the same updates: reported beside the lag because the lag does not charge a server for work it queues before its \`yield\` (a slow start of the K tasks, a slow path per event), while a fast server's queueing, in the pipe and the client, comes after its timestamp and is charged.`,
    "- 4: spawn → `initialize` answered → `tools/list` answered, over a bare pipe; the servers take turns spawn by spawn (A B C D, B C D A, …); median per server per round.",
    `- 5: sequential \`echo\` calls through the SDK \`Client\` (and McpcClient), every server connected at once and warmed up with ${ECHO_BLOCK} calls, then timed in blocks of ${ECHO_BLOCK} calls taking turns (rotating the order), so a burst of noise on the shared machine lands on all of them; calls/s = calls / the sum of a server's block times.`,
    `- Against fastmcp, a figure counts as beaten when mcpc is ahead in at least ${CONSISTENT_SHARE * 100} % of the rounds, as lost when behind in that many, and otherwise as a tie within noise: the rounds disagree, so which side the median ratio falls on says more about the shared machine than about the servers.`,
    "",
  );
  lines.push("### Where the time goes (stdio, profiles of 2026-12-02, not re-measured by this run)", "");
  for (const finding of STDIO_PROFILES) lines.push(`- ${finding}`);
  lines.push("");
  t.notes();
  return lines;
}
