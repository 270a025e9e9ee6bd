// Served by `opsbook serve` only (never written into book/): reloads the page after a rebuild.
// It polls with script tags rather than fetch, because the pages' CSP allows scripts from
// 'self' but no connections.
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
      setTimeout(poll, 1000);
    };
    document.head.appendChild(s);
  }
  poll();
})();
