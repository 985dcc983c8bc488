/* Keeps the hosted copy readable offline after a first visit, by registering sw.js.
   Runs only on the hosted copy (the address in <meta name="memorial-hosted-at">):
   never from file://, never inside a ZIM reader or someone's mirror. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="memorial-hosted-at"]');
  if (!meta || !("serviceWorker" in navigator)) return;
  var base = meta.getAttribute("content");
  if (location.protocol === "file:" || location.href.indexOf(base) !== 0) return;
  navigator.serviceWorker.register(base + "sw.js", { scope: base }).catch(function () {
    /* the site works without it */
  });
})();
