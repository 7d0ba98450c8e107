// Live counts at the door: refreshes "checked in / expected" and the workshop numbers from the
// counts URL every few seconds, so the desk sees arrivals from every device without reloading.
(function () {
  "use strict";
  var box = document.querySelector("[data-counts-url]");
  if (!box || !window.fetch) { return; }
  var seconds = parseFloat(box.getAttribute("data-refresh-seconds")) || 5;

  function set(selector, value) {
    document.querySelectorAll(selector).forEach(function (element) {
      if (element.textContent !== String(value)) { element.textContent = String(value); }
    });
  }

  function apply(data) {
    set('[data-count="checked_in"]', data.checked_in);
    set('[data-count="expected"]', data.expected);
    Object.keys(data.items || {}).forEach(function (id) {
      ["assigned", "checked_in", "present"].forEach(function (key) {
        set('[data-item-count="' + id + ":" + key + '"]', data.items[id][key]);
      });
    });
  }

  function refresh() {
    if (document.hidden) { schedule(); return; }  // a phone in a pocket does not poll
    fetch(box.getAttribute("data-counts-url"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* offline for a moment: the next round tries again */ })
      .then(schedule);
  }

  function schedule() { window.setTimeout(refresh, seconds * 1000); }

  window.confappCounts = { apply: apply };
  schedule();
})();
