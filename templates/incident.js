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

  // The failure-mode page's context (its "Start an incident record" link): the target, the
  // params and the request ids made there. Checked like everything else from a URL.
  var RECORDABLE = /^[A-Za-z0-9._:\/+=@-]{1,200}$/;
  var SAFE_VALUE = /^[A-Za-z0-9._:\/@+=,%-]*$/;
  function idsFromUrl() {
    return params.getAll("request_id").filter(function (id) { return RECORDABLE.test(id); }).slice(0, 20);
  }
  function targetFromUrl(d) {
    var v = params.get("target");
    return (d.targets || []).some(function (t) { return t.name === v; }) ? v : null;
  }
  function paramsFromUrl(d) {
    var out = {};
    (d.params || []).forEach(function (p) {
      var v = params.get(p.name);
      if (v && SAFE_VALUE.test(v)) out[p.name] = v;
    });
    return out;
  }
  function idList(text) {
    return String(text || "").split(",").map(function (x) { return x.trim(); }).filter(Boolean);
  }

  function storedTarget(d) {
    var name = null;
    try { name = localStorage.getItem("opsbook-target"); } catch (e) {}
    return (d.targets || []).some(function (t) { return t.name === name; }) ? name : "";
  }

  function fresh(fm) {
    var d = data[fm];
    return {
      fm: fm, title: titleFromUrl(), severity: severityFromUrl() || d.severity,
      status: "open", commander: "", started_at: startedFromUrl() || nowUtc(),
      detected_at: "", mitigated_at: "", resolved_at: "", request_ids: "", summary: "", impact: "",
      // The target last chosen on a page of the book (as the pages themselves default to it);
      // none before one is chosen: the checks stay as written, as `incident new` without
      // --target writes them.
      target: storedTarget(d), params: {},
      events: [], hypotheses: {}, actions: {}, answers: {}, items: []
    };
  }

  // The page's context goes into the draft once per link followed (a reload does not put back
  // an id the person removed); new ids are added, none is taken away.
  function withPageContext(s, fm) {
    var d = data[fm], said = [];
    var mark = "opsbook-context:" + location.search;
    try { if (sessionStorage.getItem(mark)) return s; sessionStorage.setItem(mark, "1"); } catch (e) {}
    var target = targetFromUrl(d);
    if (target) { s.target = target; said.push("target " + target); }
    var given = paramsFromUrl(d);
    Object.keys(given).forEach(function (k) { s.params[k] = given[k]; said.push(k + " " + given[k]); });
    var ids = idList(s.request_ids);
    var added = idsFromUrl().filter(function (id) { return ids.indexOf(id) < 0; });
    if (added.length) {
      s.request_ids = ids.concat(added).join(", ");
      said.push((added.length === 1 ? "request id " : "request ids ") + added.join(", "));
    }
    var note = $("inc-from-page");
    note.hidden = !said.length;
    note.textContent = said.length ? "From the runbook page: " + said.join("; ") + "." : "";
    return s;
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

  // The checks as the chosen target sees them: each placeholder (between U+E002 and U+E003 in
  // the build's text) gets the target's URL or var, a param, or the first request id; one
  // without a value stays `{{ name }}` as written.
  var VAR = /\uE002([^\uE003]*)\uE003/g;
  function context(s) {
    var d = data[s.fm], values = Object.create(null);
    var target = (d.targets || []).filter(function (t) { return t.name === s.target; })[0];
    if (target) {
      values.target = target.url;
      Object.keys(target.vars || {}).forEach(function (k) { values[k] = target.vars[k]; });
    }
    (d.params || []).forEach(function (p) {
      var v = (s.params || {})[p.name];
      if (v === undefined || v === "") v = p["default"];
      if (v && SAFE_VALUE.test(v)) values[p.name] = v;
    });
    // Only an id of the characters ids are made of goes into a command someone will paste.
    var first = idList(s.request_ids)[0];
    if (first && RECORDABLE.test(first)) values.request_id = first;
    return values;
  }
  function withContext(text, values) {
    return text.replace(VAR, function (_, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : "{{ " + name + " }}";
    });
  }

  function markdown(s) {
    var d = data[s.fm], v = values(s, d), ctx = context(s);
    var lists = { events: rows(s.events, ["events.time", "events.event"]),
      items: rows(s.items, ["items.item", "items.owner", "items.due", "items.status"]) };
    var text = d.md.map(function (piece) {
      if (typeof piece === "string") return fill(withContext(piece, ctx), v);
      return (lists[piece.each] || []).map(function (row) {
        return fill(withContext(piece.md, ctx), Object.assign({}, v, row));
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
    var targetSelect = $("inc-target");
    targetSelect.textContent = "";
    targetSelect.appendChild(el("option", { value: "" }, "none: keep {{ target }} as written"));
    (d.targets || []).forEach(function (t) {
      targetSelect.appendChild(el("option", { value: t.name }, t.name + " — " + t.url));
    });
    targetSelect.value = state.target || "";
    $("inc-target-field").hidden = !(d.targets || []).length;
    var paramBox = $("inc-params");
    paramBox.textContent = "";
    (d.params || []).forEach(function (p) {
      var id = "inc-param-" + p.name;
      var field = el("p", { "class": "field" });
      field.appendChild(el("label", { "for": id }, p.name));
      var input = el("input", { id: id, "data-param": p.name, placeholder: p["default"] || p.name, spellcheck: "false" });
      input.value = (state.params || {})[p.name] || "";
      field.appendChild(input);
      paramBox.appendChild(field);
    });
    shownChecks = null;
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
    state.target = $("inc-target").value;
    state.params = {};
    Array.prototype.forEach.call(form.querySelectorAll("[data-param]"), function (input) {
      state.params[input.getAttribute("data-param")] = input.value;
    });
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
  // The checks, filled for the chosen target; rebuilt only when that context changes, and
  // announced so that site.js gives each its Copy button whenever it arrives.
  var shownChecks = null;
  function renderChecks() {
    var ctx = context(state), key = JSON.stringify([state.fm, ctx]);
    if (key === shownChecks) return;
    shownChecks = key;
    var checks = $("inc-checks");
    checks.textContent = "";
    data[state.fm].checks.forEach(function (c) {
      var li = el("li");
      li.appendChild(el("strong", {}, c.id + (c.title ? ": " + c.title : "")));
      var pre = el("pre", { "data-copy-name": c.title || c.id });
      pre.appendChild(el("code", {}, withContext(c.curl, ctx)));
      li.appendChild(pre);
      checks.appendChild(li);
    });
    doc.dispatchEvent(new CustomEvent("opsbook:content"));
  }
  function refresh() {
    renderChecks();
    $("incident-md").textContent = markdown(state);
    validate();
  }
  function changed() { if (!state) return; read(); save(); refresh(); }

  // ---- What `incident lint` will say, as the person types ----
  // The front matter is checked against the schema `incident lint` is built from
  // (window.OPSBOOK_INCIDENT_SCHEMA, src/incident/schema.rs): required fields, allowed values,
  // RFC 3339 timestamps, their order, a resolved time once resolved. The body: timeline rows
  // without an event, a resolved record's end row, action items without owner or due date, and
  // unanswered questions and sections, graded as lint grades them.
  var schema = window.OPSBOOK_INCIDENT_SCHEMA || { properties: {} };
  var FIELD_IDS = { title: "inc-title", severity: "inc-severity", status: "inc-status",
    started_at: "inc-started", detected_at: "inc-detected", mitigated_at: "inc-mitigated",
    resolved_at: "inc-resolved", commander: "inc-commander", request_ids: "inc-request-ids" };
  function isTimestamp(v) {
    var prop = (schema.properties || {}).started_at || {};
    return new RegExp(prop.pattern || "^$").test(v) && !isNaN(Date.parse(v.toUpperCase().replace(" ", "T")));
  }
  function frontMatter(s) {
    var out = {};
    ["title", "severity", "status", "commander"].concat(schema["x-opsbook-order"] || []).forEach(function (k) {
      var v = String(s[k] || "").trim();
      if (v) out[k] = v;
    });
    return out;
  }
  function schemaProblems(s) {
    var fm = frontMatter(s), out = [];
    var props = schema.properties || {};
    (schema.required || []).forEach(function (k) {
      if (k in props && !(k in fm) && FIELD_IDS[k]) {
        out.push({ field: k, rule: k === "started_at" ? "invalid-timestamp" : "incident-front-matter", message: "`" + k + "` is required" });
      }
    });
    Object.keys(fm).forEach(function (k) {
      var p = props[k] || {}, v = fm[k];
      if (p["enum"] && p["enum"].indexOf(v) < 0) {
        out.push({ field: k, rule: p["x-opsbook-rule"], message: "`" + k + ": " + v + "` is not one of " + p["enum"].join(", ") });
      } else if (p.format === "date-time" && !isTimestamp(v)) {
        out.push({ field: k, rule: p["x-opsbook-rule"], message: "`" + k + ": " + v + "` is not an RFC 3339 timestamp; write it like 2026-11-26T08:15:00Z" });
      }
    });
    (schema.allOf || []).forEach(function (rule) {
      var when = (rule["if"] || {}).properties || {}, holds = Object.keys(when).every(function (k) { return fm[k] === when[k]["const"]; });
      if (!holds) return;
      ((rule.then || {}).required || []).forEach(function (k) {
        if (!(k in fm)) out.push({ field: k, rule: rule.then["x-opsbook-rule"], message: "`status: " + fm.status + "` without `" + k + "`" });
      });
    });
    var last = null;
    (schema["x-opsbook-order"] || []).forEach(function (k) {
      if (!(k in fm) || !isTimestamp(fm[k])) return;
      var t = Date.parse(fm[k].toUpperCase().replace(" ", "T"));
      if (last && t < last.t) out.push({ field: k, rule: "timestamps-out-of-order", message: "`" + k + "` is before `" + last.k + "`" });
      last = { k: k, t: t };
    });
    return out;
  }
  function bodyProblems(s, d) {
    var out = [], resolved = s.status === "resolved";
    s.events.forEach(function (r, i) {
      if ((r[0] || "").trim() && !(r[1] || "").trim()) {
        out.push({ row: ["inc-timeline", i, 1], rule: "empty-timeline-event", level: "warning", message: "the timeline row at `" + r[0] + "` has no event" });
      }
    });
    // The record's first row is the start; a resolved record also needs its end.
    var rows = s.events.filter(function (r) { return r.some(function (c) { return String(c || "").trim(); }); });
    if (resolved && rows.length < 1) {
      out.push({ field: "timeline", rule: "incomplete-timeline", message: "the timeline needs at least a start and an end entry" });
    }
    s.items.forEach(function (r, i) {
      var missing = [[1, "an owner"], [2, "a due date"]].filter(function (c) { return !(r[c[0]] || "").trim(); });
      if ((r[0] || "").trim() && missing.length) {
        out.push({ row: ["inc-items", i, missing[0][0]], rule: "incomplete-action-item", level: resolved ? "error" : "warning",
          message: "action item `" + r[0] + "` has no " + missing.map(function (m) { return m[1].replace(/^an? /, ""); }).join(" and no ") });
      }
    });
    // Gaps, as lint grades them: warnings while open or mitigated, errors once resolved.
    var gap = resolved ? "error" : "warning";
    [["summary", "Summary"], ["impact", "Impact"]].forEach(function (f) {
      if (!String(s[f[0]] || "").trim()) out.push({ field: f[0], rule: "unanswered-section", level: gap, message: "`## " + f[1] + "` has no answer" });
    });
    d.questions.forEach(function (q, i) {
      if (!String(s.answers[i] || "").trim()) out.push({ answer: i, rule: "unanswered-question", level: gap, message: "postmortem question `" + q + "` has no answer" });
    });
    return out;
  }
  function problemTarget(p) {
    if (p.field === "timeline") return $("inc-add-event");
    if (p.field) return $(FIELD_IDS[p.field] || ("inc-" + p.field));
    if (p.answer !== undefined) return $("inc-q-" + p.answer);
    var rows = $(p.row[0]).querySelectorAll(".row");
    return rows[p.row[1]] ? rows[p.row[1]].querySelectorAll("input")[p.row[2]] : null;
  }
  function validate() {
    if (!state) return;
    var found = schemaProblems(state).concat(bodyProblems(state, data[state.fm]));
    Array.prototype.forEach.call(form.querySelectorAll(".problem"), function (n) { n.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (n) {
      n.removeAttribute("aria-invalid");
      n.removeAttribute("aria-describedby");
    });
    found.forEach(function (p, i) {
      var target = problemTarget(p);
      if (!target) return;
      var id = "inc-problem-" + i;
      var note = el("span", { id: id, "class": "problem problem-" + (p.level || "error") }, (p.level || "error") + "[" + p.rule + "]: " + p.message);
      target.insertAdjacentElement("afterend", note);
      if ((p.level || "error") === "error") target.setAttribute("aria-invalid", "true");
      target.setAttribute("aria-describedby", ((target.getAttribute("aria-describedby") || "") + " " + id).trim());
    });
    var box = $("inc-problems");
    box.textContent = "";
    if (!found.length) {
      box.appendChild(el("p", { "class": "ok" }, "incident lint will find nothing to report in this draft's fields."));
      return;
    }
    var errors = found.filter(function (p) { return (p.level || "error") === "error"; }).length;
    box.appendChild(el("p", {}, "incident lint will report " + errors + " error" + (errors === 1 ? "" : "s") +
      " and " + (found.length - errors) + " warning" + (found.length - errors === 1 ? "" : "s") +
      " in this draft. Download still works: a draft may be incomplete."));
    var listing = el("ul");
    found.forEach(function (p) { listing.appendChild(el("li", {}, (p.level || "error") + "[" + p.rule + "]: " + p.message)); });
    box.appendChild(listing);
  }

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
      state.params = state.params || {};
      if (fm === asked) state = withPageContext(state, fm);
      build();
      save();
      if (then) then();
    });
  }

  // Named as `opsbook incident new` names it (src/incident/skeleton.rs `file_name`): the start
  // date, then the title's letters and digits of any script, lowercased, joined by `-`, at
  // most 60 characters. A start time that is not RFC 3339 yet gives today's date.
  function fileName(s) {
    var words = Array.from(s.title.toLowerCase()).map(function (c) {
      return /[\p{Alphabetic}\p{N}]/u.test(c) ? c : "-";
    }).join("").split("-").filter(Boolean).join("-");
    var slug = Array.from(words).slice(0, 60).join("").replace(/-+$/, "");
    var started = s.started_at.trim();
    var date = isTimestamp(started) ? started.slice(0, 10) : nowUtc().slice(0, 10);
    return date + "-" + (slug || "incident") + ".md";
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
