// Served by `opsbook serve` only (never written into book/): reloads the page after a rebuild.
// It polls with script tags rather than fetch, because the pages' CSP allows scripts from
// 'self' but no connections. Every 50 ms while the page is in view, so a save shows at once (a
// poll is a few hundred bytes on loopback); every second while it is hidden.
(function () {
  var seen = null;
  window.__opsbookVersion = function (v) {
    if (seen === null) seen = v;
    else if (v !== seen) location.reload();
  };
  function poll() {
    var s = document.createElement("script");
    s.src = "/__opsbook/version.js?" + Date.now();
    s.onload = s.onerror = function () {
      s.parentNode.removeChild(s);
      setTimeout(poll, document.hidden ? 1000 : 50);
    };
    document.head.appendChild(s);
  }
  poll();
})();
