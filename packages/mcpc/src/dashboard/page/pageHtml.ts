import { PAGE_SCRIPT } from "./pageScript.js";
import { PAGE_STYLE } from "./pageStyle.js";

/**
 * The dashboard's one page: markup, style and script in one answer, the last
 * two carrying the answer's CSP nonce. The markup holds no data; the script
 * fills it from the update stream using `textContent` only, so nothing a tool
 * yields can become markup.
 */
export function pageHtml(nonce: string, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <span class="servers" id="servers"></span>
  <span class="totals" id="totals"></span>
  <span class="conn" id="conn">connecting…</span>
</header>
<main>
  <section class="wide" id="sessions-section">
    <h2>Sessions</h2>
    <table>
      <colgroup><col class="w22p"><col class="w13p"><col class="w15p"><col class="w20p"><col class="w10p"><col></colgroup>
      <thead><tr><th>Client</th><th>Transport</th><th>Rung</th><th>Owner</th><th>Live tasks</th><th>Open for</th></tr></thead>
      <tbody id="sessions"></tbody>
    </table>
  </section>
  <section class="wide" id="tasks-section">
    <h2>Tasks</h2>
    <div class="tools">
      <button type="button" data-filter="all" class="on">All</button>
      <button type="button" data-filter="live">Live</button>
      <button type="button" data-filter="ended">Ended</button>
      <input type="search" id="search" placeholder="Filter by tool, task id or owner" aria-label="Filter tasks">
      <span class="pager">
        <span id="range"></span>
        <button type="button" id="prev" aria-label="Previous page">‹</button>
        <button type="button" id="next" aria-label="Next page">›</button>
        <select id="size" aria-label="Rows per page"><option>25</option><option selected>50</option><option>100</option><option>200</option></select>
      </span>
    </div>
    <table>
      <colgroup><col class="w14p"><col class="w11p"><col class="w11p"><col class="w10p"><col class="w15p"><col><col class="w8p"><col class="w112x"></colgroup>
      <thead><tr><th>Tool</th><th>Task</th><th>Owner</th><th>Status</th><th>Progress</th><th>Latest</th><th>Elapsed</th><th></th></tr></thead>
      <tbody id="tasks"></tbody>
    </table>
  </section>
  <section class="wide" id="log-panel" hidden>
    <h2>Log <span id="log-title" class="mono"></span><button type="button" id="log-refresh">Refresh</button><button type="button" id="log-close">Close</button></h2>
    <p id="log-note"></p>
    <table id="log"><colgroup><col class="w60x"><col class="w110x"><col class="w110x"><col></colgroup>
      <thead><tr><th>Seq</th><th>Event or status</th><th>Time</th><th>Payload</th></tr></thead><tbody></tbody></table>
  </section>
  <section class="side" id="feed-section">
    <h2>Server events</h2>
    <ul id="feed"></ul>
  </section>
</main>
<div id="notice" role="status" hidden></div>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
