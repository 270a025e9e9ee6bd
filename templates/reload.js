// Served by `opsbook serve` only (never written into book/): shows an edit as soon as the
// rebuild ends. The server tells the page each new version over a WebSocket
// (/__opsbook/live). The page then fetches itself again and, when only its <main> changed and
// it runs no script but the site's own, swaps that in and lets site.js set it up (a full reload
// costs a browser tens of milliseconds more); anything else (the header changed, the build
// broke, the page is gone) reloads the page. Where the socket cannot open, it asks for the
// version with script tags instead: every 50 ms while the page is in view, every second while
// it is hidden.
(function () {
  "use strict";
  // The version the page was sent at (the server writes it on this script's tag).
  var tag = document.currentScript;
  var seen = (tag && tag.getAttribute("data-version")) || null;
  // The page as served, to tell what an edit changed; null when unknown (then it reloads).
  var shown = null;
  var busy = false;
  var again = false;

  function fetchPage() {
    return fetch(location.href, { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    });
  }
  // The page without its <main>, title, description and this script's tag (which carries the
  // version): what must not have changed for a swap (a new title is set on the document).
  function frame(html) {
    var start = html.indexOf("<main");
    var end = html.lastIndexOf("</main>");
    if (start < 0 || end < start) return null;
    return (html.slice(0, start) + html.slice(end))
      .replace(/<title>[\s\S]*?<\/title>/, "")
      .replace(/<meta name="description"[^>]*>/, "")
      .replace(/<script src="\/__opsbook\/reload\.js"[^>]*><\/script>/, "");
  }
  function ownScriptsOnly() {
    var scripts = document.querySelectorAll("script[src]");
    for (var i = 0; i < scripts.length; i++) {
      var src = scripts[i].getAttribute("src");
      // The site's own scripts, the search index site.js loads, this script and its polls.
      if (!/(^|\/)(theme|site|search-index)\.js$|^\/__opsbook\//.test(src)) return false;
    }
    return true;
  }
  function swap(html) {
    var before = shown;
    shown = html;
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var main = fresh.querySelector("main");
    var old = document.querySelector("main");
    var same = before !== null && frame(html) !== null && frame(html) === frame(before);
    if (!same || !main || !old || !ownScriptsOnly() || !window.__opsbookPage) return false;
    old.replaceWith(document.adoptNode(main));
    document.title = fresh.title;
    window.__opsbookPage();
    return true;
  }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetchPage().then(function (html) {
      if (!swap(html)) return location.reload();
      busy = false;
      if (again) { again = false; refresh(); }
    }).catch(function () { location.reload(); });
  }
  function changed(v) {
    if (seen === null) seen = v;
    else if (v !== seen) { seen = v; refresh(); }
  }
  window.__opsbookVersion = changed;

  function poll() {
    var s = document.createElement("script");
    s.src = "/__opsbook/version.js?" + Date.now();
    s.onload = s.onerror = function () {
      s.parentNode.removeChild(s);
      setTimeout(poll, document.hidden ? 1000 : 50);
    };
    document.head.appendChild(s);
  }
  // A socket that closes after it was open (the server stopped, or closed its oldest socket)
  // is opened again; one that never opens gives way to asking.
  function connect() {
    var opened = false;
    var socket;
    try {
      socket = new WebSocket("ws://" + location.host + "/__opsbook/live");
    } catch (e) {
      return poll();
    }
    socket.onopen = function () { opened = true; };
    socket.onmessage = function (e) { changed(String(e.data)); };
    socket.onclose = function () {
      if (opened) setTimeout(connect, 1000);
      else poll();
    };
  }
  fetchPage().then(function (html) { shown = html; }, function () {});
  connect();
})();
