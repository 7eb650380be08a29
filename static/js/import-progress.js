// A background spreadsheet import: follow its progress, and show the result page once it has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box) { return; }
  var bar = document.getElementById("import-progress");
  var count = document.getElementById("import-count");
  var status = document.getElementById("import-status");
  function poll() {
    window.fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        // finished, or from checking to saving (the label above the bar changes): the server renders it
        if (job.finished || (box.dataset.status && job.status !== box.dataset.status)) { window.location.reload(); return; }
        if (job.label && status) { status.textContent = job.label; }
        bar.max = job.total || 1;
        bar.value = job.done;
        count.textContent = job.done + "/" + job.total;
        window.setTimeout(poll, 1000);
      }, function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
