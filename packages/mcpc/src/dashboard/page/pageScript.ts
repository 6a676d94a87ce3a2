/**
 * The page's script: plain browser JavaScript shipped as a string (no build
 * step, no framework, no CDN). It opens one `EventSource`, applies each `tick`
 * (only what changed) to the rows on screen, and posts the page's actions (view,
 * stop, log) with the token in a header. It never polls: the one timer only
 * repaints the elapsed times of the rows shown. Data goes in through
 * `textContent`, never as markup.
 *
 * Kept free of backticks and dollar-brace so it can live in this template string.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  "use strict";
  var token = new URLSearchParams(location.search).get("token") || "";
  var RUNGS = {
    native: ["MCPC native", "Declared experimental.mcpc: created at once, then task events as notifications/mcpc"],
    legacy: ["Python legacy", "The Python mcpc 0.2.x dialect: events as MCPC_CALLBACK messages"],
    "mcp-tasks": ["MCP tasks", "Declared capabilities.tasks (spec 2025-11-25): tasks/get, tasks/result, tasks/cancel"],
    handles: ["job handles", "A plain client: its call waits, and is answered with a handle if it outlives the threshold"],
    sync: ["synchronous", "A plain client: its call waits for the result, with progress notifications"]
  };
  var LOG_NOTES = {
    engine: "Every event, from the task store's event log.",
    observed: "The task store keeps no event log (the in-memory store does not): these are the changes this dashboard saw, at most one per update interval, while a dashboard page was open."
  };
  var state = {
    viewer: null, servers: [], rows: new Map(), order: [], sessions: new Map(), totals: null,
    offset: 0, size: 50, filter: "all", q: "", skew: 0, logRow: null, stopping: new Set()
  };
  var els = new Map();
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function short(id) { return id.length > 12 ? id.slice(0, 8) + "…" : id; }
  function live(row) { return !row.gone && (row.status === "working" || row.status === "input_required"); }
  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }
  function now() { return Date.now() - state.skew; }
  function clock(at) { return new Date(at).toLocaleTimeString(); }
  function notice(text) {
    var box = $("notice");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(function () { box.hidden = true; }, 4000);
  }

  function post(path, body) {
    return fetch("api/" + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Mcpc-Dashboard-Token": token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.error || ("HTTP " + response.status));
        return answer;
      });
    });
  }
  function sendView() {
    if (!state.viewer) return;
    post("view", { viewer: state.viewer, offset: state.offset, size: state.size, filter: state.filter, q: state.q })
      .catch(function (error) { notice(error.message); });
  }

  // --- tasks -------------------------------------------------------------
  function taskElement(id) {
    var tr = el("tr");
    tr.dataset.rowId = String(id);
    var cells = {
      tool: el("td"), task: el("td", "mono"), owner: el("td", "mono"), status: el("td", "status"),
      progress: el("td"), update: el("td", "update"), elapsed: el("td", "elapsed"), actions: el("td")
    };
    cells.statusBadge = el("span", "badge");
    cells.status.appendChild(cells.statusBadge);
    var bar = el("div", "progress");
    cells.bar = el("progress");
    cells.barText = el("span");
    bar.appendChild(cells.bar);
    bar.appendChild(cells.barText);
    cells.progress.appendChild(bar);
    cells.log = el("button", "log", "Log");
    cells.log.type = "button";
    cells.log.addEventListener("click", function () { openLog(id); });
    cells.stop = el("button", "stop", "Stop");
    cells.stop.type = "button";
    cells.stop.addEventListener("click", function () { stop(id); });
    cells.actions.appendChild(cells.log);
    cells.actions.appendChild(document.createTextNode(" "));
    cells.actions.appendChild(cells.stop);
    ["tool", "task", "owner", "status", "progress", "update", "elapsed", "actions"].forEach(function (name) { tr.appendChild(cells[name]); });
    var entry = { tr: tr, cells: cells };
    els.set(id, entry);
    return entry;
  }
  function paintTask(entry, row) {
    var c = entry.cells;
    entry.tr.className = row.gone ? "gone" : "";
    entry.tr.dataset.status = row.status;
    entry.tr.dataset.task = row.task;
    c.tool.textContent = row.tool;
    c.tool.title = state.servers.length > 1 ? row.tool + " on " + (state.servers[row.server] || "?") : row.tool;
    c.task.textContent = short(row.task);
    c.task.title = row.task;
    c.owner.textContent = short(row.owner);
    c.owner.title = row.owner;
    c.statusBadge.textContent = row.gone ? row.status + " · gone" : row.status.replace("_", " ");
    c.statusBadge.className = "badge s-" + row.status;
    c.statusBadge.title = row.gone ? "Its session closed, or its record left the store" : row.status;
    if (row.progress !== undefined && row.total !== undefined) {
      c.bar.max = row.total;
      c.bar.value = Math.min(row.progress, row.total);
      c.barText.textContent = row.progress + "/" + row.total;
    } else if (row.status === "completed") {
      c.bar.max = 1; c.bar.value = 1; c.barText.textContent = "";
    } else {
      c.bar.removeAttribute("value");
      c.barText.textContent = row.progress !== undefined ? String(row.progress) : "";
    }
    var text = row.outcome !== undefined ? row.outcome : (row.update || "");
    c.update.textContent = text;
    c.update.title = text;
    c.stop.disabled = !live(row) || state.stopping.has(row.id);
    c.stop.hidden = !live(row) && !state.stopping.has(row.id);
    c.stop.textContent = state.stopping.has(row.id) ? "Stopping…" : "Stop";
    paintElapsed(entry, row);
  }
  function paintElapsed(entry, row) {
    var end = row.finished !== undefined ? row.finished : (live(row) ? now() : row.updated);
    entry.cells.elapsed.textContent = duration(end - row.created);
  }
  function renderTasks(changed, reordered) {
    var body = $("tasks");
    if (reordered) {
      var keep = new Set(state.order);
      els.forEach(function (entry, id) { if (!keep.has(id)) { entry.tr.remove(); els.delete(id); } });
      var fragment = document.createDocumentFragment();
      state.order.forEach(function (id) {
        var entry = els.get(id) || taskElement(id);
        var row = state.rows.get(id);
        if (row && !entry.painted && !changed.has(id)) { paintTask(entry, row); entry.painted = true; }
        fragment.appendChild(entry.tr);
      });
      body.textContent = "";
      if (state.order.length === 0) {
        var empty = el("tr", "empty");
        var td = el("td", "", state.totals && state.totals.all > 0 ? "No task matches this filter." : "No tasks yet: call a background tool from a client, and it shows here.");
        td.colSpan = 8;
        empty.appendChild(td);
        body.appendChild(empty);
      }
      body.appendChild(fragment);
    }
    changed.forEach(function (id) {
      var entry = els.get(id);
      var row = state.rows.get(id);
      if (entry && row) { paintTask(entry, row); entry.painted = true; }
    });
  }
  function renderTotals() {
    var t = state.totals;
    if (!t) return;
    $("totals").textContent = t.sessions + " session" + (t.sessions === 1 ? "" : "s") + " · " + t.live + " live · " + t.ended + " ended";
    var from = t.match === 0 ? 0 : state.offset + 1;
    var to = Math.min(state.offset + state.size, t.match);
    $("range").textContent = from + "–" + to + " of " + t.match.toLocaleString();
    $("prev").disabled = state.offset === 0;
    $("next").disabled = state.offset + state.size >= t.match;
  }
  function stop(id) {
    state.stopping.add(id);
    var entry = els.get(id);
    var row = state.rows.get(id);
    if (entry && row) paintTask(entry, row);
    post("stop", { row: id }).then(function () {
      notice("Stopped " + (row ? row.tool + " " + short(row.task) : "the task"));
    }, function (error) {
      notice(error.message);
    }).then(function () {
      state.stopping.delete(id);
      var current = state.rows.get(id);
      if (els.get(id) && current) paintTask(els.get(id), current);
    });
  }

  // --- log -----------------------------------------------------------------
  function openLog(id) {
    state.logRow = id;
    var row = state.rows.get(id);
    $("log-title").textContent = row ? row.tool + " " + row.task : "#" + id;
    $("log-panel").hidden = false;
    post("log", { row: id }).then(function (log) {
      $("log-note").textContent = LOG_NOTES[log.source] || "";
      $("log-panel").dataset.source = log.source;
      var body = $("log").tBodies[0];
      body.textContent = "";
      log.entries.forEach(function (entry) {
        var tr = el("tr");
        tr.appendChild(el("td", "mono", String(entry.seq)));
        tr.appendChild(el("td", "", entry.event));
        tr.appendChild(el("td", "", entry.at !== undefined ? clock(entry.at) : ""));
        tr.appendChild(el("td", "text mono", entry.text || ""));
        body.appendChild(tr);
      });
      $("log-panel").scrollIntoView({ block: "nearest" });
    }, function (error) { notice(error.message); });
  }

  // --- sessions and feed ----------------------------------------------------
  function renderSessions() {
    var body = $("sessions");
    body.textContent = "";
    var rows = Array.from(state.sessions.values()).sort(function (a, b) { return b.since - a.since; });
    if (rows.length === 0) {
      var empty = el("tr", "empty");
      var td = el("td", "", "No client is connected.");
      td.colSpan = 6;
      empty.appendChild(td);
      body.appendChild(empty);
    }
    rows.forEach(function (s) {
      var tr = el("tr");
      tr.dataset.session = s.id;
      tr.dataset.rung = s.rung;
      var client = s.client ? s.client + " " + s.version : "(no initialize yet)";
      var name = el("td", "client", client);
      name.title = client + (state.servers.length > 1 ? " on " + state.servers[s.server] : "") + " · session " + s.id;
      tr.appendChild(name);
      tr.appendChild(el("td", "", s.transport));
      var rung = el("td", "rung");
      var badge = el("span", "badge r-" + s.rung, (RUNGS[s.rung] || [s.rung])[0]);
      badge.title = (RUNGS[s.rung] || ["", ""])[1];
      rung.appendChild(badge);
      tr.appendChild(rung);
      var owner = el("td", "mono", short(s.owner));
      owner.title = s.owner;
      tr.appendChild(owner);
      tr.appendChild(el("td", "", String(s.live)));
      var since = el("td", "since");
      since.dataset.since = String(s.since);
      since.textContent = duration(now() - s.since);
      tr.appendChild(since);
      body.appendChild(tr);
    });
  }
  function addFeed(entries, skipped) {
    var list = $("feed");
    entries.forEach(function (entry) {
      var li = el("li");
      li.dataset.kind = entry.kind;
      li.appendChild(el("time", "", clock(entry.at)));
      var text;
      if (entry.kind === "server_event") {
        text = entry.name + " → " + entry.reached + " session" + (entry.reached === 1 ? "" : "s") + (entry.session ? " (to " + short(entry.session) + ")" : "");
      } else {
        text = "session " + short(entry.session || "") + (entry.kind === "session_opened" ? " opened" : " closed") + (entry.client ? " (" + entry.client + ")" : "");
      }
      li.appendChild(el("span", entry.kind === "server_event" ? "event" : "", text));
      if (entry.payload !== undefined) li.appendChild(el("code", "", entry.payload));
      list.insertBefore(li, list.firstChild);
    });
    if (skipped) list.insertBefore(el("li", "", "… " + skipped + " more not shown"), list.firstChild);
    while (list.childNodes.length > 200) list.removeChild(list.lastChild);
  }

  // --- the stream ------------------------------------------------------------
  function apply(m) {
    state.skew = Date.now() - m.now;
    if (m.servers) {
      state.servers = m.servers;
      $("servers").textContent = m.servers.join(" · ");
    }
    if (m.offset !== undefined) state.offset = m.offset;
    var changed = new Set();
    if (m.rows) m.rows.forEach(function (row) { state.rows.set(row.id, row); changed.add(row.id); });
    if (m.order) {
      state.order = m.order;
      var keep = new Set(m.order);
      state.rows.forEach(function (_row, id) { if (!keep.has(id)) state.rows.delete(id); });
    }
    if (m.totals) state.totals = m.totals;
    renderTasks(changed, m.order !== undefined);
    if (m.totals || m.order || m.offset !== undefined) renderTotals();
    if (m.sessions) {
      m.sessions.remove.forEach(function (key) { state.sessions.delete(key); });
      m.sessions.upsert.forEach(function (s) { state.sessions.set(s.key, s); });
      renderSessions();
    }
    if (m.feed) addFeed(m.feed, m.feedSkipped);
  }
  function connect() {
    var source = new EventSource("events?token=" + encodeURIComponent(token));
    source.addEventListener("hello", function (event) {
      var hello = JSON.parse(event.data);
      // A new stream starts from nothing: the server sends everything again.
      state.viewer = hello.viewer;
      state.rows.clear(); state.sessions.clear(); state.order = [];
      els.forEach(function (entry) { entry.tr.remove(); });
      els.clear();
      $("feed").textContent = "";
      $("conn").textContent = "● live";
      $("conn").className = "conn live";
      if (state.offset !== 0 || state.size !== 50 || state.filter !== "all" || state.q !== "") sendView();
    });
    source.addEventListener("tick", function (event) { apply(JSON.parse(event.data)); });
    source.onerror = function () {
      // EventSource retries by itself, unless the server refused it (a restart makes a new token): then only a reload helps.
      $("conn").textContent = source.readyState === EventSource.CLOSED ? "disconnected: reload with the new URL" : "reconnecting…";
      $("conn").className = "conn down";
    };
  }

  // --- controls --------------------------------------------------------------
  document.querySelectorAll("[data-filter]").forEach(function (button) {
    button.addEventListener("click", function () {
      state.filter = button.dataset.filter;
      state.offset = 0;
      document.querySelectorAll("[data-filter]").forEach(function (other) { other.classList.toggle("on", other === button); });
      sendView();
    });
  });
  var typing;
  $("search").addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () { state.q = $("search").value; state.offset = 0; sendView(); }, 200);
  });
  $("prev").addEventListener("click", function () { state.offset = Math.max(0, state.offset - state.size); sendView(); });
  $("next").addEventListener("click", function () { state.offset += state.size; sendView(); });
  $("size").addEventListener("change", function () { state.size = Number($("size").value); state.offset = 0; sendView(); });
  $("log-close").addEventListener("click", function () { $("log-panel").hidden = true; state.logRow = null; });
  $("log-refresh").addEventListener("click", function () { if (state.logRow !== null) openLog(state.logRow); });
  // A clock for the elapsed times on screen only; the data itself is pushed.
  setInterval(function () {
    els.forEach(function (entry, id) { var row = state.rows.get(id); if (row && live(row)) paintElapsed(entry, row); });
    document.querySelectorAll("td.since").forEach(function (td) { td.textContent = duration(now() - Number(td.dataset.since)); });
  }, 1000);
  connect();
})();
`;
