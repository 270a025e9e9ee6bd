// opsbook incident form: the record `opsbook incident new` writes, as a form. Every change is
// saved in localStorage (per failure mode), and "Download .md" produces the same Markdown as the
// command line. Data is only ever set as text or values, never as HTML.
(function () {
  "use strict";
  var doc = document;
  var list = window.OPSBOOK_INCIDENT_LIST || [];
  var data = window.OPSBOOK_INCIDENTS = window.OPSBOOK_INCIDENTS || {};
  var root = doc.body.getAttribute("data-root") || "";
  var form = doc.getElementById("incident");
  if (!form) return;
  var params = new URLSearchParams(location.search);
  var PREFIX = "opsbook-incident:";
  var FIELDS = ["title", "severity", "status", "commander", "started_at", "detected_at",
    "mitigated_at", "resolved_at", "request_ids", "summary", "impact"];
  var state = null;

  function $(id) { return doc.getElementById(id); }
  function el(tag, attrs, text) {
    var node = doc.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function load(key) {
    try { return JSON.parse(localStorage.getItem(PREFIX + key) || "null"); } catch (e) { return null; }
  }
  function save() {
    try {
      localStorage.setItem(PREFIX + state.fm, JSON.stringify(state));
      localStorage.setItem(PREFIX + "last", state.fm);
      $("inc-saved").textContent = "Saved in this browser";
    } catch (e) {
      $("inc-saved").textContent = "Not saved: this browser blocks storage";
    }
  }
  function nowUtc() { return new Date().toISOString().replace(/\.\d{3}Z$/, "Z"); }

  // What the URL may fill in is checked as `opsbook incident new` checks its flags: anyone can
  // craft a link, and a value with a newline would write its own lines into the front matter.
  var RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  function severityFromUrl() {
    var v = params.get("severity"), select = $("inc-severity");
    var allowed = select ? Array.prototype.map.call(select.options, function (o) { return o.value; }) : [];
    return v !== null && allowed.indexOf(v) >= 0 ? v : null;
  }
  function startedFromUrl() {
    var v = params.get("started_at");
    return v !== null && RFC3339.test(v) && !isNaN(Date.parse(v)) ? v : null;
  }
  function titleFromUrl() {
    // One line, as the command line makes it: line breaks become spaces, other controls go.
    return (params.get("title") || "").replace(/\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g, " ")
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, "").trim();
  }

  function fresh(fm) {
    var d = data[fm];
    return {
      fm: fm, title: titleFromUrl(), severity: severityFromUrl() || d.severity,
      status: "open", commander: "", started_at: startedFromUrl() || nowUtc(),
      detected_at: "", mitigated_at: "", resolved_at: "", request_ids: "", summary: "", impact: "",
      events: [], hypotheses: {}, actions: {}, answers: {}, items: []
    };
  }

  // ---- Markdown: exactly what templates/incident.md renders ----
  // The build rendered the template with a sentinel for every field filled in here
  // (`\uE000title|yaml_string\uE001`: the field, then the filters the template applied); this
  // only puts the person's values in, through the same filters (src/incident/fields.rs), and
  // repeats the block of a list once per row. The build proved the result equals the template's.
  var FILTERS = {
    yaml_string: function (v) { return JSON.stringify(v); },
    cell: function (v) { return v.replace(/\|/g, "\\|").replace(/[\r\n]/g, " "); },
    yaml_optional: function (v) { return v ? " " + v : ""; },
    yaml_optional_string: function (v) { return v ? " " + JSON.stringify(v) : ""; },
    yaml_list: function (v) {
      var ids = v.split(",").map(function (x) { return x.trim(); }).filter(Boolean);
      return "[" + ids.map(function (x) { return JSON.stringify(x); }).join(", ") + "]";
    }
  };
  var SENTINEL = /\uE000([^\uE001]*)\uE001/g;
  function fill(text, values) {
    return text.replace(SENTINEL, function (_, inner) {
      var chain = inner.split("|");
      return chain.slice(1).reduce(function (v, f) { return FILTERS[f](v); }, String(values[chain[0]] || ""));
    });
  }
  function orPlaceholder(text, d) { return String(text || "").trim() ? String(text).replace(/\s+$/, "") : d.placeholder; }

  // The fields by the names the template sees (src/incident/fields.rs `names`).
  function values(s, d) {
    var v = { title: s.title, severity: s.severity, started_at: s.started_at.trim(), status: s.status,
      commander: s.commander.trim(), detected_at: s.detected_at.trim(), mitigated_at: s.mitigated_at.trim(),
      resolved_at: s.resolved_at.trim(), request_ids: s.request_ids,
      summary: orPlaceholder(s.summary, d), impact: orPlaceholder(s.impact, d) };
    d.hypotheses.forEach(function (h, i) {
      var mark = s.hypotheses[i] || "open";
      v["hypotheses." + i + ".checkbox"] = mark === "verified" ? "[x]" : "[ ]";
      v["hypotheses." + i + ".strike"] = mark === "ruled-out" ? "~~" : "";
    });
    d.actions.forEach(function (a, i) {
      var taken = s.actions[i] || {};
      v["actions." + i + ".taken_at"] = taken.at || "";
      v["actions." + i + ".result"] = taken.result || "";
    });
    d.questions.forEach(function (q, i) { v["answers." + i] = orPlaceholder(s.answers[i], d); });
    return v;
  }
  function rows(list, names) {
    return list.filter(function (r) { return r.some(function (c) { return c; }); }).map(function (r) {
      var row = {};
      names.forEach(function (n, i) { row[n] = r[i] || ""; });
      return row;
    });
  }

  function markdown(s) {
    var d = data[s.fm], v = values(s, d);
    var lists = { events: rows(s.events, ["events.time", "events.event"]),
      items: rows(s.items, ["items.item", "items.owner", "items.due", "items.status"]) };
    var text = d.md.map(function (piece) {
      if (typeof piece === "string") return fill(piece, v);
      return (lists[piece.each] || []).map(function (row) {
        return fill(piece.md, Object.assign({}, v, row));
      }).join("");
    }).join("");
    return /\n$/.test(text) ? text : text + "\n";
  }

  // ---- The form's dynamic parts, built from the data of the chosen failure mode ----
  function row(container, cells, labels, values, onRemove) {
    var line = el("div", { "class": "row" });
    cells.forEach(function (name, i) {
      var id = container.id + "-" + container.children.length + "-" + name;
      var label = el("label", { "for": id }, labels[i]);
      var input = el("input", { id: id, "data-cell": String(i) });
      input.value = values[i] || "";
      line.appendChild(el("span", { "class": "cell" })).append(label, input);
    });
    var remove = el("button", { type: "button", "class": "remove", "aria-label": "Remove this row" }, "Remove");
    remove.addEventListener("click", function () { line.remove(); onRemove(); });
    line.appendChild(remove);
    container.appendChild(line);
  }
  function rowsOf(container) {
    return Array.prototype.map.call(container.querySelectorAll(".row"), function (line) {
      return Array.prototype.map.call(line.querySelectorAll("input"), function (i) { return i.value; });
    });
  }

  function build() {
    var d = data[state.fm];
    FIELDS.forEach(function (name) { form.elements[name].value = state[name] || ""; });
    form.elements.fm.value = state.fm;
    var timeline = $("inc-timeline"), items = $("inc-items");
    timeline.textContent = "";
    items.textContent = "";
    state.events.forEach(function (e) { row(timeline, ["time", "event"], ["Time (UTC)", "Event"], e, changed); });
    state.items.forEach(function (r) { row(items, ["item", "owner", "due", "status"], ["Item", "Owner", "Due (YYYY-MM-DD)", "Status"], r, changed); });
    var hyps = $("inc-hypotheses");
    hyps.textContent = "";
    d.hypotheses.forEach(function (h, i) {
      var id = "inc-h-" + i;
      var box = el("p", { "class": "field hyp" });
      box.appendChild(el("label", { "for": id }, h.cause));
      var select = el("select", { id: id, "data-hypothesis": String(i) });
      [["open", "not checked yet"], ["verified", "verified"], ["ruled-out", "ruled out"]].forEach(function (o) {
        select.appendChild(el("option", { value: o[0] }, o[1]));
      });
      select.value = state.hypotheses[i] || "open";
      box.appendChild(select);
      if (h.verify) box.appendChild(el("span", { "class": "hint" }, "Verify: " + h.verify));
      hyps.appendChild(box);
    });
    var checks = $("inc-checks");
    checks.textContent = "";
    d.checks.forEach(function (c) {
      var li = el("li");
      li.appendChild(el("strong", {}, c.id + (c.title ? ": " + c.title : "")));
      li.appendChild(el("pre")).appendChild(el("code", {}, c.curl));
      checks.appendChild(li);
    });
    var actions = $("inc-actions");
    actions.textContent = "";
    d.actions.forEach(function (a, i) {
      var taken = state.actions[i] || {};
      var box = el("fieldset", { "class": "action risk-" + a.risk });
      box.appendChild(el("legend", {}, (a.risk === "high" ? "⚠ HIGH RISK: " : "Low risk: ") + a.title));
      [["at", "Taken at"], ["result", "Result"]].forEach(function (f) {
        var id = "inc-a-" + i + "-" + f[0];
        box.appendChild(el("label", { "for": id }, f[1]));
        var input = el("input", { id: id, "data-action": String(i), "data-field": f[0] });
        input.value = taken[f[0]] || "";
        box.appendChild(input);
      });
      actions.appendChild(box);
    });
    var questions = $("inc-questions");
    questions.textContent = "";
    d.questions.forEach(function (q, i) {
      var id = "inc-q-" + i;
      questions.appendChild(el("h3", {}, "")).appendChild(el("label", { "for": id }, q));
      var area = el("textarea", { id: id, rows: "3", "data-answer": String(i) });
      area.value = state.answers[i] || "";
      questions.appendChild(area);
    });
    refresh();
  }

  function read() {
    FIELDS.forEach(function (name) { state[name] = form.elements[name].value; });
    state.events = rowsOf($("inc-timeline"));
    state.items = rowsOf($("inc-items"));
    Array.prototype.forEach.call(form.querySelectorAll("[data-hypothesis]"), function (s) { state.hypotheses[s.getAttribute("data-hypothesis")] = s.value; });
    Array.prototype.forEach.call(form.querySelectorAll("[data-answer]"), function (a) { state.answers[a.getAttribute("data-answer")] = a.value; });
    Array.prototype.forEach.call(form.querySelectorAll("[data-action]"), function (input) {
      var i = input.getAttribute("data-action");
      state.actions[i] = state.actions[i] || {};
      state.actions[i][input.getAttribute("data-field")] = input.value;
    });
  }
  function refresh() { $("incident-md").textContent = markdown(state); }
  function changed() { if (!state) return; read(); save(); refresh(); }

  // A runbook's data is its own script, loaded when one of its failure modes is chosen.
  function ensure(fm, then) {
    if (data[fm]) return then();
    var entry = list.filter(function (e) { return e.key === fm; })[0];
    if (!entry) return;
    var script = el("script", { src: root + entry.src });
    script.onload = function () { if (data[fm]) then(); };
    script.onerror = function () { $("inc-saved").textContent = "Could not load " + entry.src; };
    doc.body.appendChild(script);
  }

  function choose(fm, then) {
    ensure(fm, function () {
      state = load(fm) || fresh(fm);
      build();
      save();
      if (then) then();
    });
  }

  function fileName(s) {
    var slug = s.title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
    return s.started_at.trim().slice(0, 10) + "-" + (slug || "incident") + ".md";
  }

  // ---- Wiring ----
  var keys = list.map(function (e) { return e.key; });
  if (!keys.length) return;
  list.forEach(function (e) {
    form.elements.fm.appendChild(el("option", { value: e.key }, e.key + " — " + e.title));
  });
  var asked = params.get("runbook") && params.get("failure_mode") ? params.get("runbook") + "#" + params.get("failure_mode") : null;
  var last = null;
  try { last = localStorage.getItem(PREFIX + "last"); } catch (e) {}
  var known = function (k) { return k && keys.indexOf(k) >= 0; };

  form.addEventListener("input", changed);
  form.addEventListener("change", function (event) {
    if (event.target === form.elements.fm) { choose(form.elements.fm.value); } else { changed(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  $("inc-add-event").addEventListener("click", function () {
    row($("inc-timeline"), ["time", "event"], ["Time (UTC)", "Event"], [nowUtc(), ""], changed);
    changed();
  });
  $("inc-add-item").addEventListener("click", function () {
    row($("inc-items"), ["item", "owner", "due", "status"], ["Item", "Owner", "Due (YYYY-MM-DD)", "Status"], ["", "", "", "open"], changed);
    changed();
  });
  $("inc-clear").addEventListener("click", function () {
    if (!confirm("Clear this draft? The saved record for this failure mode is deleted from this browser.")) return;
    try { localStorage.removeItem(PREFIX + state.fm); } catch (e) {}
    state = fresh(state.fm);
    build();
    save();
  });
  $("inc-download").addEventListener("click", function () {
    read();
    var blob = new Blob([markdown(state)], { type: "text/markdown" });
    var link = el("a", { href: URL.createObjectURL(blob), download: fileName(state) });
    doc.body.appendChild(link);
    link.click();
    link.remove();
  });

  // Last, once every listener is in place (the self-test below relies on them).
  choose(known(asked) ? asked : known(last) ? last : keys[0], selftest);

  // A self-test for the browser tests: `#opsbook-selftest` fills every field the way a person
  // would (through input events, so autosave runs), then reloads once. After the reload the
  // preview must show the saved values.
  function selftest() {
    if (location.hash !== "#opsbook-selftest" || sessionStorage.getItem("opsbook-selftest")) return;
    sessionStorage.setItem("opsbook-selftest", "1");
    var set = function (node, value) { node.value = value; node.dispatchEvent(new Event("input", { bubbles: true })); };
    set(form.elements.title, "p95 above SLO");
    set(form.elements.started_at, "2026-11-26T08:00:00Z");
    set(form.elements.status, "resolved");
    set(form.elements.commander, "dana");
    set(form.elements.detected_at, "2026-11-26T08:04:00Z");
    set(form.elements.mitigated_at, "2026-11-26T08:21:00Z");
    set(form.elements.resolved_at, "2026-11-26T09:02:00Z");
    set(form.elements.summary, "A deploy added a slow query.");
    set(form.elements.impact, "Slow /hello for 21 minutes.");
    $("inc-add-event").click();
    var cells = $("inc-timeline").querySelectorAll("input");
    set(cells[cells.length - 2], "2026-11-26T09:02:00Z");
    set(cells[cells.length - 1], "Resolved: p95 back to normal");
    Array.prototype.forEach.call(form.querySelectorAll("[data-answer]"), function (a, i) { set(a, "Answer " + (i + 1) + "."); });
    $("inc-add-item").click();
    var item = $("inc-items").querySelectorAll("input");
    set(item[0], "Add the missing index");
    set(item[1], "dana");
    set(item[2], "2026-12-01");
    var hyp = form.querySelector("[data-hypothesis]");
    if (hyp) { hyp.value = "verified"; hyp.dispatchEvent(new Event("change", { bubbles: true })); }
    location.reload();
  }
})();
