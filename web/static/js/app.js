/* Shared progressive enhancement for every page (loaded by base.html, deferred).
   Pages work without it; this only adds conveniences. */
(function () {
  "use strict";
  // Announce a message in the page's polite live region (base.html: [data-live]).
  function announce(text) {
    var live = document.querySelector("[data-live]");
    if (!live) return;
    live.textContent = "";
    var p = document.createElement("p");
    p.className = "notice";
    p.textContent = text;
    live.appendChild(p);
  }
  window.Navigator = window.Navigator || {};
  window.Navigator.announce = announce;
})();

/* "Back to search" on a listing page goes back to the results it came from, when it did. */
(function () {
  "use strict";
  var link = document.querySelector("a[data-back]");
  if (!link || !document.referrer) return;
  try {
    var from = new URL(document.referrer);
    if (from.origin === window.location.origin && from.pathname === "/" && from.search) {
      link.href = from.pathname + from.search;
      link.textContent = "Back to results";
    }
  } catch (e) { /* an unreadable referrer: keep the plain link */ }
})();
