/** The Streamable HTTP part of BENCHMARKS.md (issue 18). */
import { MCPC_CLIENT_COLUMN, fmt } from "../recorder.js";
import { HTTP_PROFILES } from "../profiles.js";
import { sum } from "../stats.js";
import { CONSISTENT_SHARE, Tables, lossTotal } from "../tables.js";
import { HTTP_METRICS, HTTP_SERVERS, type HttpBenchResult } from "./httpBench.js";
import { LOAD_INTERVAL_MS, OPEN_AT_ONCE } from "./httpFigures.js";

function columnLabel(column: string): string {
  if (column === MCPC_CLIENT_COLUMN) return "mcpc (McpcClient)";
  return HTTP_SERVERS.find((s) => s.id === column)?.label ?? column;
}

export function renderHttpReport(result: HttpBenchResult): string[] {
  const { config } = result;
  const t = new Tables(result, HTTP_METRICS, columnLabel);
  const { lines } = t;
  const load = `${fmt(config.loadSessions, 0)} sessions × ${fmt(config.loadTasks, 0)} tasks`;
  lines.push("## Streamable HTTP", "");
  lines.push(
    `Each server a child process listening on 127.0.0.1 at a port chosen at run time. Sizes: ${config.rounds} round(s), servers interleaved (A B C, B C A, …); one streaming call n = ${fmt(config.throughputN, 0)} at intervalMs 0, measured on the call after ${config.throughputWarmups} warm-up call(s) in the same session; load ${load}, one update / ${LOAD_INTERVAL_MS} ms for ${fmt(config.loadMs / 1000, 1)} s; session set-ups ${config.setupWorkers} at a time in ${config.setupBlocks} block(s) of ${fmt(config.setupBlockMs / 1000, 1)} s per server per round, taking turns; cold start median of ${config.coldStarts} spawns per server per round; ${fmt(result.seconds, 0)} s.`,
    "",
  );
  t.medians("Medians across rounds (HTTP)");
  t.ratios("sdk", "Ratios to the raw SDK (HTTP)");

  t.targets("Targets of issue 18 (HTTP)");
  t.ratioTarget("one streaming call: events/s ≥ 1.5× raw SDK (bare reader)", "h.tp.bare.eps", 1.5);
  t.ratioTarget("one streaming call: events/s ≥ 1.5× raw SDK (SDK Client)", "h.tp.client.eps", 1.5);
  t.ratioTarget("server CPU per event ≤ 0.7× raw SDK (bare reader)", "h.tp.bare.cpu", 0.7);
  t.ratioTarget("server CPU per event ≤ 0.7× raw SDK (SDK Client)", "h.tp.client.cpu", 0.7);
  const lost = sum(["h.tp.client.lost", "h.tp.bare.lost", "h.load.lost"].flatMap((k) => [lossTotal(result, k, "mcpc"), lossTotal(result, k, MCPC_CLIENT_COLUMN)]));
  t.target(`0 events lost (mcpc, SDK Client and McpcClient, ${load} included)`, lost, lost === 0, `${fmt(lost, 0)} lost (raw SDK: ${fmt(lossTotal(result, "h.load.lost", "sdk"), 0)} at ${load})`);
  t.ratioTarget(`peak RSS at ${load} ≤ 1.0× raw SDK`, "h.load.rss", 1.0);
  t.ratioTarget("session set-ups/s ≥ 1.0× raw SDK", "h.setup.sps", 1.0);
  t.fastmcpTarget(`fastmcp beaten on every figure in ≥ ${CONSISTENT_SHARE * 100} % of rounds (mcpc via the SDK Client)`);
  lines.push("");
  // No target of its own (no row above); like every figure it counts in the fastmcp comparison.
  lines.push(
    `Beside the lag at ${load}, H2 reports the lateness from the call (receipt − (the call's send time + i × ${LOAD_INTERVAL_MS} ms) for update i), which has no target of its own but counts in the comparison with fastmcp: the lag counts from the server's \`yield\`, so a server slow to start its tasks or slow per event queues that work before it takes its timestamp and is not charged for it, while a fast server's queueing comes after it (in the sockets and the client); the lateness charges both alike, as a user would feel it.`,
    "",
  );
  t.losses("Events lost, all rounds (HTTP)");

  lines.push("### How it is measured (HTTP)", "");
  lines.push(
    "- Servers: `node dist/servers/<name>Http.js <port>`, the port picked by the harness (bound on 0 and released) and the server printing `listening <port>` once its socket is bound. mcpc: `serve({ transport: \"http\" })` with every HTTP default (Host/Origin checks, event store per session, legacy SSE on, job handles on). Raw SDK: the SDK's own session example (`simpleStreamableHttp.ts`) on plain `node:http` instead of express: a map session id → `StreamableHTTPServerTransport`, a new transport and `McpServer` per `initialize`, no event store, no log line per request. fastmcp: `start({ transportType: \"httpStream\" })`, sessions on, every other option at its default (it pings each session every 5 s and logs a line per session). Each figure starts fresh servers and kills them afterwards.",
    `- H1: one session, ${config.throughputWarmups + 1} \`stream(n, 0)\` calls in a row; the figures are those of the last (a warm server; see stdio figure 1). Events/s = updates received / (call sent → answer). Server CPU = the child's CPU time during the call (sum over its threads of \`/proc/<pid>/task/<tid>/schedstat\`) / n. **SDK Client** rows: \`Client\` + \`StreamableHTTPClientTransport\` with an \`onprogress\` callback; each update is a \`notifications/progress\` on the call's POST stream (SSE), mcpc's synchronous fallback answering after its ping barrier. **McpcClient** column: mcpc's native dialect — the call is answered \`created\` at once and the updates are MCPC events after that answer, on the session's GET stream; the time runs from the call to the terminal event. **Bare reader** rows: \`fetch\` and a hand-written SSE reader that counts progress events without parsing them and answers the server's pings with a POST: the server's own ceiling, not the client's.`,
    `- H2: ${load} through the SDK Client (one \`Client\` per session, opened ${OPEN_AT_ONCE} at a time, untimed), all ${fmt(config.loadSessions * config.loadTasks, 0)} \`stream(n, ${LOAD_INTERVAL_MS})\` calls sent at once (for the McpcClient column, as native background tasks whose events come on each session's GET stream). Lost = expected − received; lag = receipt − the server's \`process.hrtime\` reading carried in the update (one clock for every process), p50 and p99 over every update; lateness from the call, for update i (its \`progress\`) = receipt − (the client's clock just before it sent that call + i × ${LOAD_INTERVAL_MS} ms), both on the client's clock, p50 and p99 over the same updates: reported beside the lag because the lag does not charge a server for work it queues before its \`yield\` (a late start of its streams, a slow path per event); peak RSS = the child's VmHWM.`,
    `- H3: every server running at once; a set-up is one session's life through the bare client: \`initialize\` (answer read, session id taken) → \`notifications/initialized\` → one \`echo\` call answered → \`DELETE\`. ${config.setupWorkers} set-ups at a time for ${fmt(config.setupBlockMs / 1000, 1)} s (a block ends when its last set-up is done), the servers' blocks taking turns (rotating the order) after a warm-up half-block each; set-ups/s = set-ups / the sum of a server's block times. Time-boxed rather than counted: fastmcp answers \`initialize\` only after polling up to 10 × 100 ms for the client's capabilities (they are set by the very \`initialize\` it holds), so each of its set-ups takes about a second.`,
    "- H4: spawn → the `listening` line read from the child's stdout; then one bare `initialize` sent at once, and spawn → its answer. Spawns interleaved server by server; median per server per round.",
    `- Against fastmcp, as for stdio: beaten when mcpc is ahead in at least ${CONSISTENT_SHARE * 100} % of the rounds, lost when behind in that many, otherwise a tie within noise.`,
    "",
  );
  lines.push("### Where the time goes (HTTP, profiles of 2026-12-02, not re-measured by this run)", "");
  for (const finding of HTTP_PROFILES) lines.push(`- ${finding}`);
  lines.push("");
  t.notes();
  return lines;
}
