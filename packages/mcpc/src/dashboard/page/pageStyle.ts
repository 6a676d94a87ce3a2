/**
 * The page's stylesheet: plain CSS shipped inside the package (the machines
 * that run a server may have no internet, so nothing comes from a CDN). Light
 * and dark follow the system; widths are fixed per column so that rows
 * updating four times a second never make the table jump.
 */
export const PAGE_STYLE = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f7f7f8; --panel: #ffffff; --text: #1d1f23; --muted: #6b7080; --line: #e3e4e8;
  --accent: #3559e0; --ok: #1f8a4c; --bad: #c23b3b; --warn: #b7791f; --idle: #7b8191;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #15171b; --panel: #1d2026; --text: #e6e7ea; --muted: #9aa0ad; --line: #2d313a; --accent: #7d98ff; --ok: #4cc38a; --bad: #ff6b6b; --warn: #e0a84a; --idle: #8b91a0; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
header { display: flex; align-items: baseline; gap: 16px; padding: 12px 20px; background: var(--panel); border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 2; }
header h1 { font-size: 16px; margin: 0; }
header .servers { color: var(--muted); }
header .totals { margin-left: auto; color: var(--muted); }
.conn { font-weight: 600; }
.conn.live { color: var(--ok); }
.conn.down { color: var(--bad); }
main { display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 16px; padding: 16px 20px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
section h2 .mono { text-transform: none; letter-spacing: 0; }
section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 8px; display: flex; gap: 8px; align-items: center; }
.wide { grid-column: 1 / 2; }
.side { grid-column: 2 / 3; grid-row: 1 / span 3; align-self: start; position: sticky; top: 64px; max-height: calc(100vh - 80px); overflow: auto; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; vertical-align: middle; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
tr.gone td { opacity: .55; }
td.mono, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 11px; font-weight: 600; border: 1px solid currentColor; }
.s-working { color: var(--accent); } .s-input_required { color: var(--warn); } .s-completed { color: var(--ok); }
.s-failed { color: var(--bad); } .s-cancelled { color: var(--idle); }
.r-native { color: var(--ok); } .r-legacy { color: var(--warn); } .r-mcp-tasks { color: var(--accent); } .r-handles { color: #8a4fd6; } .r-sync { color: var(--idle); }
col.w10p { width: 10%; } col.w110x { width: 110px; } col.w112x { width: 112px; } col.w11p { width: 11%; } col.w13p { width: 13%; } col.w14p { width: 14%; } col.w15p { width: 15%; } col.w20p { width: 20%; } col.w22p { width: 22%; } col.w60x { width: 60px; } col.w8p { width: 8%; }
progress { width: 100%; height: 8px; vertical-align: middle; accent-color: var(--accent); }
.progress { display: flex; gap: 6px; align-items: center; }
.progress span { color: var(--muted); font-size: 11px; min-width: 34px; text-align: right; }
button { font: inherit; padding: 2px 9px; border-radius: 5px; border: 1px solid var(--line); background: var(--panel); color: var(--text); cursor: pointer; }
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
button.stop { color: var(--bad); }
button.on { background: var(--accent); color: #fff; border-color: var(--accent); }
.tools { display: flex; gap: 8px; align-items: center; margin-bottom: 8px; flex-wrap: wrap; }
.tools input { font: inherit; padding: 3px 8px; border-radius: 5px; border: 1px solid var(--line); background: var(--bg); color: var(--text); width: 220px; }
.tools .pager { margin-left: auto; display: flex; gap: 6px; align-items: center; color: var(--muted); }
.empty td { color: var(--muted); text-align: center; padding: 18px; white-space: normal; }
#feed { list-style: none; margin: 0; padding: 0; }
#feed li { padding: 5px 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
#feed time { color: var(--muted); font-size: 11px; margin-right: 6px; }
#feed .event { color: var(--accent); font-weight: 600; }
#feed code { display: block; color: var(--muted); font-size: 11px; margin-top: 2px; }
#log-panel[hidden] { display: none; }
#log-note { color: var(--muted); margin: 0 0 8px; }
#log td.text { white-space: normal; overflow-wrap: anywhere; }
#notice { position: fixed; bottom: 16px; left: 50%; transform: translateX(-50%); background: var(--text); color: var(--bg); padding: 6px 14px; border-radius: 6px; }
#notice[hidden] { display: none; }
`;
