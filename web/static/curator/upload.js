/* Curator upload: send the files with XMLHttpRequest so a progress bar can show the upload, and
   refuse an over-size upload before sending it. Without this script the form posts normally and
   the server gives the same answers as pages. CSP: a static file, no inline script. */
(function () {
  "use strict";
  var form = document.querySelector("[data-upload-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var box = form.querySelector("[data-upload-progress]");
  var bar = box && box.querySelector("progress");
  var status = box && box.querySelector("[data-upload-status]");
  var errorBox = document.querySelector("[data-upload-error]");
  var button = form.querySelector("button[type=submit]");
  var limit = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;

  function megabytes(n) { return (n / 1048576).toFixed(1) + " MB"; }

  function showError(text) {
    if (!errorBox) { window.alert(text); return; }
    errorBox.textContent = "";
    var h = document.createElement("h2");
    h.textContent = "The upload was not accepted";
    var p = document.createElement("p");
    p.textContent = text;
    errorBox.appendChild(h);
    errorBox.appendChild(p);
    errorBox.hidden = false;
    errorBox.focus();
    if (box) box.hidden = true;
    if (button) button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    var files = input && input.files ? Array.prototype.slice.call(input.files) : [];
    var source = form.querySelector("[name=source]");
    if (source && !source.value.trim()) {
      event.preventDefault();
      showError("Say which source these listings come from (for example the council or feed name).");
      return;
    }
    if (!files.length) {
      event.preventDefault();
      showError("Choose at least one file to upload.");
      return;
    }
    var total = files.reduce(function (sum, f) { return sum + f.size; }, 0);
    if (limit && total > limit) {
      event.preventDefault();
      showError("The files add up to " + megabytes(total) + ", over the limit of " + megabytes(limit) +
        ". Nothing was uploaded. Split the file, or ask an administrator to raise the limit.");
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    var token = form.querySelector("[name=csrf_token]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    xhr.setRequestHeader("Accept", "application/json");
    if (token) xhr.setRequestHeader("X-CSRF-Token", token.value);
    if (box) box.hidden = false;
    if (button) button.disabled = true;
    if (status) status.textContent = "Uploading " + megabytes(total) + "…";
    var lastAnnounced = -1;
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable || !bar) return;
      var percent = Math.floor((100 * e.loaded) / e.total);
      bar.value = percent;
      bar.setAttribute("aria-valuetext", percent + "% uploaded");
      // Announce in steps of 25% so a screen reader is not flooded.
      var step = Math.floor(percent / 25);
      if (status && step !== lastAnnounced) {
        lastAnnounced = step;
        status.textContent = "Uploaded " + percent + "%";
      }
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 202 && body && body.job_url) {
        if (status) status.textContent = "Uploaded. Preparing the preview…";
        window.location.assign(body.job_url);
        return;
      }
      showError((body && body.detail) || ("The upload failed (" + xhr.status + "). Try again."));
    });
    xhr.addEventListener("error", function () {
      showError("The upload was interrupted. Check your connection and try again.");
    });
    xhr.send(data);
  });
})();
