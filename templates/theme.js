// Runs before the first paint (a blocking script in <head>) so a dark-mode reader never sees a
// white flash: the saved choice is applied before the stylesheet is used. The `js` class lets
// the stylesheet fold what only script can unfold (the header and target bar on a phone).
document.documentElement.classList.add("js");
try {
  var t = localStorage.getItem("opsbook-theme");
  if (t === "dark" || t === "light") document.documentElement.setAttribute("data-theme", t);
} catch (e) {}
