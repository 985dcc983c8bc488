/* The root page: go on to the tree in the reader's language when scripts run; the links work without. */
(function () {
  "use strict";
  if (location.hash === "#choose") return;  // the language links in every footer come back here to choose
  var list = document.querySelector("[data-languages]");
  if (!list) return;
  var offered = list.getAttribute("data-languages").split(" ");
  var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) { return l.toLowerCase().split("-")[0]; });
  for (var i = 0; i < wanted.length; i++) {
    if (offered.indexOf(wanted[i]) >= 0) { location.replace(wanted[i] + "/index.html"); return; }
  }
})();
