/*! Neighbourhood Navigator chat widget — one dependency-free script.
 *
 *   <script src="https://navigator.example/widget.js"
 *           data-navigator-url="https://navigator.example"   (optional: where Navigator is)
 *           data-area="Folkestone and Hythe"                  (optional: your area)
 *           data-title="Find local support"                   (optional: the button's words)
 *           data-colour="#1d4f91"                             (optional: dark enough for white text)
 *           data-exit-url="https://www.bbc.co.uk/weather"     (optional: where quick exit goes)
 *           async></script>
 *
 * It adds a launcher button and, when opened, the chat panel: an iframe served by Navigator, so the
 * conversation runs under Navigator's own origin and CSP, and this page cannot read it nor style it.
 * The button and frame sit in a shadow root with a constructed stylesheet (CSSOM, which a host's CSP
 * does not block); the few positioning rules also go on the host element as inline CSSOM styles, so
 * host CSS cannot hide or move it. Nothing is added to the host page outside its own element.
 * It listens only to postMessage messages from the Navigator origin and from its own frame.
 * Quick exit (the panel's button, or Escape pressed three times anywhere on the page) removes the
 * widget, ending the conversation, and replaces this page with a neutral one.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || document.querySelector("[data-navigator-chat]")) return;

  var DEFAULT_EXIT = "__NAVIGATOR_EXIT_URL__";
  var LABELS = {"__NAVIGATOR_LABELS__": 1};
  var DEFAULT_COLOUR = "#1d4f91";
  var ESCAPE_WINDOW_MS = 2000;

  function attr(name) {
    var value = script.getAttribute("data-" + name);
    return value === null ? "" : String(value).trim();
  }

  function webUrl(value, fallback) {
    try {
      var url = new URL(value, document.baseURI);
      return /^https?:$/.test(url.protocol) ? url : fallback;
    } catch (e) {
      return fallback;
    }
  }

  // ---- configuration ----------------------------------------------------------------------------
  var scriptUrl = webUrl(script.src, null);
  if (!scriptUrl) return;
  var base = webUrl(attr("navigator-url") || scriptUrl.href.replace(/\/widget\.js(\?.*)?$/, "/"), scriptUrl);
  var navOrigin = base.origin;
  var basePath = base.href.replace(/[?#].*$/, "").replace(/\/+$/, "");
  var title = (attr("title") || LABELS.launcher || "Find local support").slice(0, 60);
  var area = attr("area").slice(0, 120);
  var exitUrl = (webUrl(attr("exit-url"), null) || webUrl(DEFAULT_EXIT, null) || { href: "https://www.bbc.co.uk/weather" }).href;
  var colour = safeColour(attr("colour"));

  // A colour behind white text needs 4.5:1 contrast (WCAG AA); anything lighter gets the default.
  function safeColour(value) {
    var m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value || "");
    if (!m) return DEFAULT_COLOUR;
    var hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    var channels = [0, 2, 4].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return 1.05 / (luminance + 0.05) >= 4.5 ? "#" + hex.toLowerCase() : DEFAULT_COLOUR;
  }

  // ---- elements ---------------------------------------------------------------------------------
  var CSS = [
    ":host{all:initial}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;box-sizing:border-box;",
    "min-width:44px;min-height:44px;max-width:calc(100vw - 32px);margin:0;padding:10px 18px;",
    "border:2px solid #fff;border-radius:24px;background:var(--nav-colour);color:#fff;",
    "font:600 16px/1.25 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;cursor:pointer;",
    "box-shadow:0 2px 8px rgba(0,0,0,.35);text-align:center;overflow-wrap:anywhere;",
    "letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;text-shadow:none}",
    ".launcher:hover{text-decoration:underline}",
    ".launcher:focus-visible{outline:3px solid #ffdd00;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}",
    ".panel{position:fixed;right:16px;bottom:80px;z-index:2147483000;box-sizing:border-box;",
    "width:400px;max-width:calc(100vw - 32px);height:620px;max-height:calc(100vh - 100px);",
    "border:2px solid var(--nav-colour);border-radius:10px;overflow:hidden;background:#fff;",
    "box-shadow:0 4px 24px rgba(0,0,0,.35)}",
    ".panel[hidden]{display:none}",
    ".panel iframe{display:block;width:100%;height:100%;border:0}",
    "@media (max-width:480px){.launcher{right:8px;bottom:8px;max-width:calc(100vw - 16px)}",
    ".panel{right:8px;left:8px;width:auto;max-width:none;bottom:68px;height:calc(100vh - 80px);max-height:none}}",
    "@media (forced-colors:active){.launcher,.panel{border-color:ButtonText}}",
  ].join("");

  var host = document.createElement("div");
  host.setAttribute("data-navigator-chat", "");
  // Inline CSSOM styles (allowed under any CSP) beat host rules such as `div{display:none!important}`.
  ["display:block", "position:static", "width:0", "height:0", "margin:0", "padding:0", "border:0"].forEach(
    function (rule) {
      var parts = rule.split(":");
      host.style.setProperty(parts[0], parts[1], "important");
    }
  );
  host.style.setProperty("--nav-colour", colour, "important");
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  if (root !== host && "adoptedStyleSheets" in root && typeof CSSStyleSheet === "function") {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      addStyleElement();
    }
  } else {
    addStyleElement();
  }

  function addStyleElement() {
    var style = document.createElement("style");
    style.textContent = CSS; // only reached in old browsers; a strict host CSP may then block it
    root.appendChild(style);
  }

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.textContent = title;
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "navigator-chat-panel");

  var panel = document.createElement("div");
  panel.className = "panel";
  panel.id = "navigator-chat-panel";
  panel.hidden = true;

  var frame = null;
  var frameReady = false;
  var isOpen = false;
  var escapes = [];

  root.appendChild(launcher);
  root.appendChild(panel);

  // ---- behaviour --------------------------------------------------------------------------------
  function panelUrl() {
    var params = new URLSearchParams({ title: title, area: area, colour: colour, host: location.origin });
    return basePath + "/widget/panel?" + params.toString();
  }

  function focusPanel() {
    if (!frame) return;
    frame.focus();
    if (frameReady) frame.contentWindow.postMessage({ type: "navigator:focus" }, navOrigin);
  }

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = title + " – " + (LABELS.panel_title || "chat");
      frame.src = panelUrl();
      frame.setAttribute("referrerpolicy", "no-referrer");
      panel.appendChild(frame);
    }
    isOpen = true;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.textContent = LABELS.close || "Close chat";
    focusPanel();
  }

  function close(returnFocus) {
    isOpen = false;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.textContent = title;
    if (returnFocus) launcher.focus();
  }

  function quickExit() {
    if (host.parentNode) host.parentNode.removeChild(host); // the frame, and the conversation, go
    frame = null;
    window.location.replace(exitUrl);
  }

  function escapePressed(inWidget) {
    var now = Date.now();
    escapes = escapes.filter(function (t) { return now - t < ESCAPE_WINDOW_MS; });
    escapes.push(now);
    if (escapes.length >= 3) return quickExit();
    // One Escape in the panel (or on its button) closes it; one on the host page is the host's.
    if (isOpen && escapes.length === 1 && inWidget) close(true);
  }

  launcher.addEventListener("click", function () {
    if (isOpen) close(true);
    else open();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") escapePressed(root.activeElement === launcher);
  }, true);

  window.addEventListener("message", function (event) {
    if (event.origin !== navOrigin || !frame || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || typeof data !== "object" || typeof data.type !== "string") return;
    if (data.type === "navigator:ready") {
      frameReady = true;
      if (isOpen) focusPanel();
    } else if (data.type === "navigator:close") {
      close(true);
    } else if (data.type === "navigator:exit") {
      quickExit();
    } else if (data.type === "navigator:escape") {
      escapePressed(true);
    }
  });

  // Never cover what has focus on the host page (WCAG 2.4.11): scroll it clear of the widget, and
  // if that is not possible, tuck the panel away (the conversation stays; the button brings it back).
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (!target || target === host || !target.getBoundingClientRect) return;
    var covers = [launcher].concat(isOpen ? [panel] : []);
    function covered() {
      var r = target.getBoundingClientRect();
      return covers.some(function (c) {
        var b = c.getBoundingClientRect();
        return r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top &&
          r.top >= b.top - 1 && r.bottom <= b.bottom + 1 && r.left >= b.left - 1 && r.right <= b.right + 1;
      });
    }
    if (!covered()) return;
    var top = Math.min.apply(null, covers.map(function (c) { return c.getBoundingClientRect().top; }));
    window.scrollBy(0, target.getBoundingClientRect().bottom - top + 16);
    if (covered() && isOpen) close(false);
  });

  function mount() {
    (document.body || document.documentElement).appendChild(host);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
