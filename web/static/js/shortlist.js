/* Add to / remove from the shortlist without leaving the page. The forms work without this script
   (the server answers a normal POST with a redirect back); with it, the same POST is sent with
   Accept: application/json and the button, the header count and a polite announcement update. */
(function () {
  "use strict";
  var announce = (window.Navigator && window.Navigator.announce) || function () {};

  function setCount(count) {
    var els = document.querySelectorAll("[data-shortlist-count]");
    for (var i = 0; i < els.length; i++) els[i].textContent = count ? String(count) : "";
  }

  function setState(form, added) {
    var button = form.querySelector("button[type=submit]");
    var label = button && button.querySelector("[data-label]");
    form.setAttribute("action", added ? "/shortlist/remove" : "/shortlist/add");
    if (!button || !label) return;
    label.textContent = added ? "Remove from shortlist" : "Add to shortlist";
    button.setAttribute("aria-pressed", added ? "true" : "false");
    button.classList.toggle("button--secondary", added);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-shortlist-form")) return;
    if (!window.fetch || !window.FormData) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (button) button.disabled = false;
        if (typeof result.body.count === "number") setCount(result.body.count);
        if (result.ok) setState(form, !!result.body.in_shortlist);
        announce(result.body.message || result.body.detail || "");
        if (result.ok && form.hasAttribute("data-remove-item")) {
          var item = form.closest("[data-shortlist-item]");
          if (item) item.remove();
          if (result.body.count === 0) window.location.reload();
        }
      })
      .catch(function () {
        if (button) button.disabled = false;
        form.submit(); // the plain form still works
      });
  });
})();
