/* Sent by `python build.py serve` with every page it serves, never written into the site: reloads the page
   when a save has been built, and shows the content's errors in the page while there are any. */
(function () {
  "use strict";
  var seen = null, banner = null;

  function show(problems) {
    if (!problems.length) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "preview-problems";
      banner.setAttribute("role", "alert");
      var s = banner.style;  // (styles set from a script: the page's policy forbids inline style attributes)
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.zIndex = "1000";
      s.maxHeight = "50vh"; s.overflow = "auto"; s.padding = "0.75rem 1rem";
      s.background = "#fff4e5"; s.color = "#3b2300"; s.borderTop = "3px solid #b45309";
      s.font = "14px/1.4 system-ui, sans-serif";
      document.body.appendChild(banner);
    }
    banner.textContent = "";
    problems.forEach(function (text, i) {
      var p = document.createElement(i ? "code" : "strong");
      p.textContent = text;
      p.style.display = "block"; p.style.whiteSpace = "pre-wrap"; p.style.margin = "0.25rem 0";
      banner.appendChild(p);
    });
  }

  var events = new EventSource("/__preview__/events");
  events.onmessage = function (event) {
    var state = JSON.parse(event.data);
    if (seen !== null && state.version !== seen) { location.reload(); return; }
    seen = state.version;
    document.documentElement.setAttribute("data-preview", "listening");  // (for the tests: the page heard the server)
    show(state.problems);
  };
})();
