// Progress of an assignment being computed in the background: asks the status URL every second and
// moves the progress bar; once done, loads the report. Without script the page has a refresh link.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var step = box.querySelector("[data-run-step]");
  var percent = box.querySelector("[data-run-percent]");

  function poll() {
    fetch(box.getAttribute("data-status-url"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 2000); return; }
        bar.value = data.progress;
        bar.textContent = data.progress + " %";
        if (step.textContent !== data.step) { step.textContent = data.step; }
        percent.textContent = String(data.progress);
        if (data.done) { window.location.assign(box.getAttribute("data-done-url")); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 500);
}());
