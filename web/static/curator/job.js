/* Curator job page: poll the job's JSON status, move the progress bar, announce stage changes
   (not every number, which would flood a screen reader), and go to the result when it is done.
   Without this script the page offers a "Check progress" link instead. */
(function () {
  "use strict";
  var root = document.querySelector("[data-job]");
  if (!root || !window.fetch) return;
  var url = root.getAttribute("data-status-url");
  var bar = root.querySelector("[data-job-bar]");
  var stage = root.querySelector("[data-job-stage]");
  var detail = root.querySelector("[data-job-detail]");
  var error = root.querySelector("[data-job-error]");
  var back = root.querySelector("[data-job-back]");
  var refresh = root.querySelector("[data-job-refresh]");
  var lastStage = null;
  if (refresh) refresh.hidden = true;
  if (error && !error.hidden) return; // already failed when the page was made

  function number(n) { return n.toLocaleString("en-GB"); }

  function show(job) {
    if (bar) {
      if (job.total) {
        bar.max = job.total;
        bar.value = job.done;
        bar.setAttribute("aria-valuetext", number(job.done) + " of " + number(job.total));
      } else {
        bar.removeAttribute("value"); // indeterminate
        bar.removeAttribute("aria-valuetext");
      }
    }
    if (detail) detail.textContent = job.total ? number(job.done) + " of " + number(job.total) : "";
    var label = job.status_text.split(":")[0];
    if (stage && label !== lastStage) {
      lastStage = label;
      stage.textContent = label;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        var job = res.body;
        if (!res.ok) throw new Error(job.detail || "status unavailable");
        show(job);
        if (job.state === "done" && job.result_url) {
          window.location.assign(job.result_url);
        } else if (job.state === "failed") {
          if (stage) stage.textContent = "Stopped";
          if (bar) { bar.hidden = true; var label = root.querySelector("label[for=" + bar.id + "]"); if (label) label.hidden = true; }
          if (error) { error.textContent = job.message || "The job stopped."; error.hidden = false; }
          if (back) back.hidden = false;
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        if (refresh) refresh.hidden = false;
        window.setTimeout(poll, 3000);
      });
  }
  poll();
})();
