/* The chat panel: sends messages to /api/chat and shows the replies.
 *
 * Every piece of text from the server (and all listing text) is put in the page with textContent,
 * never as HTML. Links are only made for tel:, sms:, mailto: and http(s): addresses.
 * The conversation token lives in this script's memory only: nothing is written to storage, so
 * closing the tab or the quick exit leaves nothing behind.
 * Messages to the host page (widget.js) go only to the origin the server checked (data-parent-origin),
 * and messages from it are accepted only from that origin and that window.
 */
(function () {
  "use strict";

  var body = document.body;
  var cfg = body.dataset;
  var log = document.querySelector("[data-log]");
  var statusEl = document.querySelector("[data-status]");
  var form = document.querySelector("[data-form]");
  var input = document.querySelector("[data-input]");
  var suggestionsEl = document.querySelector("[data-suggestions]");
  var handoffEl = document.querySelector("[data-handoff]");
  var framed = window.parent !== window;
  var parentOrigin = cfg.parentOrigin || "";
  var conversation = null;
  var busy = false;
  var escapes = [];
  var SAFE_HREF = /^(tel:|sms:|mailto:|https:\/\/|http:\/\/)/i;

  if (/^#[0-9a-f]{6}$/i.test(cfg.colour || "")) {
    document.documentElement.style.setProperty("--accent", cfg.colour);
  }

  // ---- talking to the host page -----------------------------------------------------------------
  function tellHost(type) {
    if (framed && parentOrigin) {
      window.parent.postMessage({ type: "navigator:" + type }, parentOrigin);
      return true;
    }
    return false;
  }

  window.addEventListener("message", function (event) {
    if (!framed || event.source !== window.parent || event.origin !== parentOrigin) return;
    var data = event.data;
    if (!data || typeof data.type !== "string") return;
    if (data.type === "navigator:focus") input.focus();
  });

  function quickExit() {
    conversation = null;
    log.textContent = "";
    handoffEl.textContent = "";
    suggestionsEl.textContent = "";
    input.value = "";
    if (!tellHost("exit")) window.location.replace(cfg.exitUrl);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-action]") : null;
    if (!target) return;
    if (target.dataset.action === "exit") quickExit();
    if (target.dataset.action === "close") tellHost("close");
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (tellHost("escape")) return; // the host counts presses made in both places
    var now = Date.now();
    escapes = escapes.filter(function (t) { return now - t < 2000; });
    escapes.push(now);
    if (escapes.length >= 3) quickExit();
  });

  if (!framed) document.querySelector("[data-action=close]").hidden = true;

  // ---- drawing ----------------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function link(label, href, extraClass, hiddenSuffix) {
    if (typeof href !== "string" || !SAFE_HREF.test(href)) return null;
    var a = el("a", extraClass || "", label);
    a.href = href;
    if (/^https?:/i.test(href)) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.appendChild(el("span", "visually-hidden", " " + (hiddenSuffix ? hiddenSuffix + " " : "") + cfg.newTab));
    } else if (hiddenSuffix) {
      a.appendChild(el("span", "visually-hidden", " " + hiddenSuffix));
    }
    return a;
  }

  function bubble(kind) {
    var node = el("div", "msg msg--" + kind);
    log.appendChild(node);
    return node;
  }

  function showMine(text) {
    var node = bubble("me");
    node.appendChild(el("span", "visually-hidden", cfg.you + " "));
    node.appendChild(document.createTextNode(text));
  }

  function showCrisis(m) {
    var node = bubble("crisis");
    node.appendChild(el("h2", "", m.heading));
    node.appendChild(el("p", "", m.text));
    var list = el("ul", "resources");
    (m.resources || []).forEach(function (r) {
      var item = el("li");
      var a = r.href ? link(r.label, r.href, "button") : null;
      item.appendChild(a || el("strong", "", r.label));
      if (r.detail) item.appendChild(el("span", "detail", r.detail));
      list.appendChild(item);
    });
    node.appendChild(list);
  }

  function showOption(list, item) {
    var li = el("li", "option");
    li.appendChild(el("h2", "option__name", item.name));
    if (item.organisation && item.organisation !== item.name) li.appendChild(el("p", "option__org", item.organisation));
    if (item.why) li.appendChild(el("p", "option__why", "“" + item.why + "”"));
    var facts = el("ul", "option__facts");
    [item.distance, item.cost, item.when].forEach(function (fact) {
      if (fact) facts.appendChild(el("li", "", fact));
    });
    if (facts.childNodes.length) li.appendChild(facts);
    if (item.address) li.appendChild(el("p", "option__address", item.address));
    var actions = el("p", "option__actions");
    (item.actions || []).concat(item.details ? [item.details] : []).forEach(function (action) {
      var a = link(action.label, action.href, "", action.kind === "call" ? "" : "– " + item.name);
      if (a) actions.appendChild(a);
    });
    if (actions.childNodes.length) li.appendChild(actions);
    list.appendChild(li);
  }

  function showMessage(m, reply) {
    if (m.kind === "crisis") return showCrisis(m);
    if (m.kind === "handoff") return showHandoff(m);
    var node = bubble(m.kind === "disclosure" || m.kind === "error" ? m.kind : "bot");
    node.appendChild(el("p", "", m.text));
    if (m.kind === "options") {
      var group = (reply.options || [])[m.group];
      var list = el("ul", "options");
      ((group && group.items) || []).forEach(function (item) { showOption(list, item); });
      node.appendChild(list);
    }
    if (m.links && m.links.length) {
      var links = el("ul", "links");
      m.links.forEach(function (l) {
        var a = link(l.label, l.href, "button");
        if (a) { var li = el("li"); li.appendChild(a); links.appendChild(li); }
      });
      node.appendChild(links);
    }
  }

  function showSuggestions(list) {
    suggestionsEl.textContent = "";
    (list || []).forEach(function (label) {
      var b = el("button", "", label);
      b.type = "button";
      b.addEventListener("click", function () { send(label); });
      suggestionsEl.appendChild(b);
    });
  }

  function render(reply) {
    if (reply.conversation !== undefined && reply.conversation !== null) conversation = reply.conversation;
    var before = log.lastElementChild;
    (reply.messages || []).forEach(function (m) { showMessage(m, reply); });
    showSuggestions(reply.suggestions);
    // Show the reply from its start (a long list is read from the top), not the end of the page.
    var first = before ? before.nextElementSibling : log.firstElementChild;
    if (first && !handoffEl.childNodes.length) first.scrollIntoView({ block: "start" });
  }

  function showError(text) {
    render({ messages: [{ kind: "error", text: text || cfg.networkError }], suggestions: [] });
  }

  // ---- sending ----------------------------------------------------------------------------------
  function post(url, payload) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "omit",
      cache: "no-store",
    }).then(function (response) {
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: null }; }
      );
    });
  }

  function send(text, quiet) {
    if (busy) return;
    busy = true;
    if (!quiet) showMine(text);
    statusEl.textContent = cfg.replying;
    log.setAttribute("aria-busy", "true");
    post(cfg.api, { message: text, conversation: conversation, area: cfg.area || null })
      .then(function (result) {
        if (result.data && result.data.messages) render(result.data);
        else showError();
      }, function () { showError(); })
      .then(function () {
        busy = false;
        statusEl.textContent = "";
        log.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    closeHandoff();
    send(text);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  // ---- talk to a person -------------------------------------------------------------------------
  function closeHandoff() {
    handoffEl.textContent = "";
    handoffEl.hidden = true;
    body.classList.remove("chat--handoff");
  }

  function field(wrapper, id, labelText, control, hintText) {
    var label = el("label", "", labelText);
    label.htmlFor = id;
    control.id = id;
    wrapper.appendChild(label);
    if (hintText) {
      var hint = el("p", "hint", hintText);
      hint.id = id + "-hint";
      control.setAttribute("aria-describedby", hint.id);
      wrapper.appendChild(hint);
    }
    wrapper.appendChild(control);
    return control;
  }

  function showHandoff(m) {
    var note = bubble("bot");
    note.appendChild(el("p", "", m.text));
    var f = m.form || {};
    var limits = f.limits || {};
    closeHandoff();
    var box = el("form", "handoff");
    box.noValidate = true;
    var heading = el("h2", "", f.heading);
    heading.id = "handoff-heading";
    heading.tabIndex = -1;
    box.setAttribute("aria-labelledby", heading.id);
    box.appendChild(heading);
    var errors = el("p", "error");
    errors.id = "handoff-error";
    errors.setAttribute("role", "alert");
    box.appendChild(errors);

    var consentWrap = el("div", "field choice");
    var consent = el("input");
    consent.type = "checkbox";
    consent.name = "consent";
    var consentLabel = el("label", "", f.consent);
    consent.id = "handoff-consent";
    consentLabel.htmlFor = consent.id;
    consentWrap.appendChild(consent);
    consentWrap.appendChild(consentLabel);
    box.appendChild(consentWrap);

    var nameWrap = el("div", "field");
    var name = el("input");
    name.type = "text";
    name.autocomplete = "name";
    name.maxLength = limits.name || 80;
    field(nameWrap, "handoff-name", f.name, name);
    box.appendChild(nameWrap);

    var methodWrap = el("div", "field");
    var set = el("fieldset");
    set.appendChild(el("legend", "", f.method));
    [["phone", f.phone], ["email", f.email]].forEach(function (pair, index) {
      var choice = el("div", "choice");
      var radio = el("input");
      radio.type = "radio";
      radio.name = "contact_method";
      radio.value = pair[0];
      radio.id = "handoff-method-" + pair[0];
      if (index === 0) radio.checked = true;
      var label = el("label", "", pair[1]);
      label.htmlFor = radio.id;
      choice.appendChild(radio);
      choice.appendChild(label);
      set.appendChild(choice);
    });
    methodWrap.appendChild(set);
    box.appendChild(methodWrap);

    var contactWrap = el("div", "field");
    var contact = el("input");
    contact.type = "text";
    contact.autocomplete = "tel";
    contact.maxLength = limits.contact || 254;
    field(contactWrap, "handoff-contact", f.contact, contact);
    box.appendChild(contactWrap);
    set.addEventListener("change", function () {
      var email = box.querySelector("input[name=contact_method]:checked").value === "email";
      contact.autocomplete = email ? "email" : "tel";
      contact.setAttribute("inputmode", email ? "email" : "tel");
    });

    var noteWrap = el("div", "field");
    var text = el("textarea");
    text.rows = 3;
    text.maxLength = limits.note || 500;
    field(noteWrap, "handoff-note", f.note, text, f.note_hint);
    box.appendChild(noteWrap);

    var buttons = el("div", "handoff__buttons");
    var submit = el("button", "", f.submit);
    submit.type = "submit";
    var cancel = el("button", "", f.cancel);
    cancel.type = "button";
    cancel.addEventListener("click", function () {
      closeHandoff();
      send(cancel.textContent);
      input.focus();
    });
    buttons.appendChild(submit);
    buttons.appendChild(cancel);
    box.appendChild(buttons);

    var controls = { consent: consent, name: name, contact: contact, note: text, contact_method: set };
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      Object.keys(controls).forEach(function (k) { controls[k].removeAttribute("aria-invalid"); });
      errors.textContent = "";
      var payload = {
        conversation: conversation,
        consent: consent.checked,
        name: name.value,
        contact_method: box.querySelector("input[name=contact_method]:checked").value,
        contact: contact.value,
        note: text.value,
        area: cfg.area || null,
      };
      submit.disabled = true;
      post(cfg.handoffApi, payload).then(function (result) {
        submit.disabled = false;
        if (result.status === 201 && result.data) {
          closeHandoff();
          render(result.data);
          input.focus();
          return;
        }
        var data = result.data || {};
        var problem = (data.problems || [])[0] || {};
        errors.textContent = data.detail || cfg.networkError;
        var bad = controls[problem.field];
        if (bad) {
          bad.setAttribute("aria-invalid", "true");
          (bad.focus ? bad : consent).focus();
        }
      }, function () {
        submit.disabled = false;
        errors.textContent = cfg.networkError;
      });
    });
    handoffEl.appendChild(box);
    handoffEl.hidden = false;
    body.classList.add("chat--handoff");
    heading.focus();
  }

  // ---- start ------------------------------------------------------------------------------------
  tellHost("ready");
  send("", true);
})();
