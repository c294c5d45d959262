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
