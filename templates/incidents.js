// The incidents index's filters: status, service and severity, without a server (works from
// file://). Rows stay visible until a filter is chosen, so the page reads fine without script.
// A filter can come from the page's URL too: incidents/index.html?status=open&service=api.
// Options and rows carry positions in the build's lists, never the values themselves.
(function () {
  "use strict";
  var form = document.getElementById("incident-filters");
  var table = document.getElementById("incidents-table");
  if (!form || !table) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var count = document.getElementById("f-count");

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = selects.every(function (s) {
        return !s.value || row.getAttribute("data-" + s.getAttribute("data-column")) === s.value;
      });
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " shown";
  }

  var query = new URLSearchParams(window.location.search);
  selects.forEach(function (s) {
    var wanted = query.get(s.getAttribute("data-column"));
    Array.prototype.forEach.call(s.options, function (o) {
      if (wanted && o.value && o.textContent === wanted) s.value = o.value;
    });
    s.addEventListener("change", apply);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();
