// opsbook alert pages (book/alerts/<AlertName>.html), where an alert rule's runbook_url points.
// An alert that leads to one failure mode forwards there at once, keeping the query (the alert's
// labels: ?namespace=shop&pod=api-7f9c) and the hash, so that page fills its commands with them.
// An alert that leads to several keeps the query on each of their links. A file, not an inline
// script, because the pages' CSP allows only the site's own script files.
(function () {
  "use strict";
  var forward = document.getElementById("forward");
  if (forward) {
    location.replace(JSON.parse(forward.textContent) + location.search + location.hash);
    return;
  }
  function carry() {
    if (!location.search) return;
    Array.prototype.forEach.call(document.querySelectorAll("a.carry"), function (a) {
      a.setAttribute("href", a.getAttribute("href") + location.search);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", carry);
  else carry();
})();
