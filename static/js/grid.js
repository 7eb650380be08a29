// The period's entry grid ("Kỳ này"): saves a cell when it is left, moves like a spreadsheet, warns before
// leaving unsaved edits, and keeps what could not be sent (no connection) in this browser until it can be.
// Without this script the grid is one form and "Save all" saves it (the server reads both the same way).
(function () {
  "use strict";
  var form = document.getElementById("grid");
  if (!form || form.dataset.locked === "1") {
    return;
  }
  var PROGRESS = ["percent", "narrative", "difficulties"];
  var MONEY = ["amount", "date"];
  var CELLS = PROGRESS.concat(MONEY);
  var RETRY_MS = 4000;
  var QUEUE_KEY = "kc-grid-queue:" + form.dataset.period;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var banner = document.getElementById("offline-banner");
  var inflight = 0;
  var chains = {};
  var retryTimer = null;

  function cell(pk, col) { return document.getElementById("c-" + pk + "-" + col); }
  function message(pk, col) { return document.getElementById("m-" + pk + "-" + col); }
  function hidden(pk, name) { return form.querySelector("input[name='r" + pk + "-" + name + "']"); }
  function rowEl(pk) { return document.getElementById("row-" + pk); }
  function colsOf(section) { return section === "money" ? MONEY : PROGRESS; }
  function sectionOf(col) { return MONEY.indexOf(col) >= 0 ? "money" : "progress"; }
  function dirty(el) { return el.value !== el.dataset.saved; }
  function rows() { return Array.prototype.slice.call(form.querySelectorAll("tr.grid-row")); }
  function pkOf(el) { var row = el.closest("tr.grid-row"); return row ? row.dataset.pk : null; }

  // The page shows what the server holds. After a reload or a return through history the browser may put
  // back values typed on an earlier visit, which would look saved: those are reset. (What could not be sent
  // is put back from the queue below, marked as such.) On a fresh visit, a value that differs from the
  // server's was typed on this page before this script arrived (a slow connection): it is kept, and sent as
  // leaving its cell would have sent it (at the end of this script).
  var visit = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  var restored = !visit || visit.type !== "navigate";
  var typedEarly = {};
  form.querySelectorAll("[data-col]").forEach(function (el) {
    if (restored || el.value === el.defaultValue) {
      el.value = el.defaultValue;
    } else {
      typedEarly[pkOf(el) + ":" + sectionOf(el.dataset.col)] = true;
    }
    el.dataset.saved = el.defaultValue;
  });

  // ---- marks beside the cells ------------------------------------------------------------------------
  function mark(pk, col, state, text) {
    var el = cell(pk, col);
    var td = el.closest("td");
    td.classList.remove("is-saved", "has-error", "is-saving", "is-queued", "is-pending");
    if (state) { td.classList.add(state); }
    el.setAttribute("aria-invalid", state === "has-error" ? "true" : "false");
    message(pk, col).textContent = text || "";
  }
  function rowError(pk, text) {
    var slot = rowEl(pk).querySelector(".row-error");
    if (slot) { slot.textContent = text || ""; }
  }

  // ---- the queue of what could not be sent -----------------------------------------------------------
  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "{}"); } catch (e) { return {}; }
  }
  function writeQueue(queue) {
    try {
      if (Object.keys(queue).length) { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)); }
      else { window.localStorage.removeItem(QUEUE_KEY); }
    } catch (e) { /* storage full or off: the cells stay marked as not sent, and leaving still warns */ }
    showBanner(queue);
  }
  function queuedCells(queue) {
    var count = 0;
    Object.keys(queue).forEach(function (id) { count += queue[id].cells.length; });
    return count;
  }
  function showBanner(queue) {
    var count = queuedCells(queue || readQueue());
    banner.hidden = count === 0;
    banner.textContent = banner.dataset.template.replace("{n}", count);
    if (count && !retryTimer) { retryTimer = window.setInterval(flush, RETRY_MS); }
    if (!count && retryTimer) { window.clearInterval(retryTimer); retryTimer = null; }
  }
  function enqueue(pk, section, values, cells) {
    var queue = readQueue();
    var id = pk + ":" + section;
    var before = queue[id] ? queue[id].cells : [];
    queue[id] = { pk: pk, section: section, values: values, key: hidden(pk, "key").value,
                  cells: before.concat(cells.filter(function (c) { return before.indexOf(c) < 0; })) };
    writeQueue(queue);
    queue[id].cells.forEach(function (col) { mark(pk, col, "is-queued", form.dataset.msgQueued); });
  }
  function dequeue(pk, section) {
    var queue = readQueue();
    delete queue[pk + ":" + section];
    writeQueue(queue);
  }

  // ---- saving ----------------------------------------------------------------------------------------
  function snapshot(pk) {
    var values = {};
    CELLS.forEach(function (col) { values[col] = cell(pk, col).value; });
    return values;
  }
  function body(pk, section, values, key) {
    var data = new URLSearchParams();
    data.set("sections", section);
    data.set("r" + pk + "-version", hidden(pk, "version").value);
    data.set("r" + pk + "-key", key || hidden(pk, "key").value);
    CELLS.forEach(function (col) { data.set("r" + pk + "-" + col, values[col]); });
    return data;
  }
  function url(pk) { return form.dataset.saveUrl.replace(/\/0\/$/, "/" + pk + "/"); }

  function save(pk, section, queued) {
    var previous = chains[pk] || Promise.resolve();
    chains[pk] = previous.then(function () { return send(pk, section, queued); });
    return chains[pk];
  }

  function send(pk, section, queued) {
    if (queued && !readQueue()[pk + ":" + section]) { return Promise.resolve(); }  // sent meanwhile
    var values = queued ? queued.values : snapshot(pk);
    var cols = colsOf(section);
    var changed = queued ? queued.cells : cols.filter(function (col) { return dirty(cell(pk, col)); });
    if (!changed.length) { return Promise.resolve(); }
    if (section === "progress" && !values.percent.trim() && !rowEl(pk).dataset.reported) {
      changed.forEach(function (col) { if (col !== "percent") { mark(pk, col, "is-pending", ""); } });
      mark(pk, "percent", "is-pending", form.dataset.msgNeedPercent);
      return Promise.resolve();
    }
    changed.forEach(function (col) { mark(pk, col, "is-saving", form.dataset.msgSaving); });
    inflight += 1;
    return window.fetch(url(pk), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body(pk, section, values, queued && queued.key),
    }).then(function (response) {
      if (response.status >= 500) { throw new TypeError("server unreachable"); }
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) { return { ok: false, errors: {}, row_error: form.dataset.msgFailed }; }
      return response.json();
    }).then(function (answer) {
      if (queued) { dequeue(pk, section); }
      answered(pk, section, values, changed, answer);
    }, function () {
      enqueue(pk, section, values, changed);
    }).then(function () { inflight -= 1; });
  }

  function answered(pk, section, values, changed, answer) {
    if (answer.counters) {
      document.getElementById("missing-count").textContent = answer.counters.missing_text;
      var reported = document.getElementById("reported-count");
      if (reported) { reported.textContent = answer.counters.reported; }
    }
    if (!answer.ok) {
      var errors = answer.errors || {};
      changed.forEach(function (col) { mark(pk, col, errors[col] ? "has-error" : "", errors[col] || ""); });
      Object.keys(errors).forEach(function (col) { if (cell(pk, col)) { mark(pk, col, "has-error", errors[col]); } });
      rowError(pk, answer.row_error);
      return;
    }
    rowError(pk, "");
    var row = answer.row || {};
    changed.forEach(function (col) {
      var el = cell(pk, col);
      el.dataset.saved = values[col];
      if (section === "money" && el.value === values[col]) { el.value = ""; el.dataset.saved = ""; }
      mark(pk, col, "is-saved", form.dataset.msgSaved);
    });
    if (row.version !== undefined) { hidden(pk, "version").value = row.version; }
    if (row.key) { hidden(pk, "key").value = row.key; }
    var tr = rowEl(pk);
    if (row.state) {
      tr.className = "grid-row state-" + row.state;
      tr.dataset.reported = row.state === "saved" ? "1" : tr.dataset.reported;
      var badge = tr.querySelector(".row-state .badge");
      badge.className = "badge " + row.state;
      badge.textContent = row.state_text;
    }
    if (row.disbursed) {
      tr.querySelector(".disbursed").textContent = row.disbursed;
      tr.querySelector(".disbursed-in-period").textContent = row.disbursed_in_period;
    }
  }

  function flush() {
    var queue = readQueue();
    var ids = Object.keys(queue);
    var chain = Promise.resolve();
    ids.forEach(function (id) {
      var item = queue[id];
      if (!rowEl(item.pk)) { dequeue(item.pk, item.section); return; }
      chain = chain.then(function () { return save(item.pk, item.section, item); });
    });
    return chain;
  }

  // ---- leaving a cell saves it -----------------------------------------------------------------------
  form.addEventListener("focusout", function (event) {
    var el = event.target;
    if (!el.dataset || !el.dataset.col) { return; }
    var pk = pkOf(el);
    var section = sectionOf(el.dataset.col);
    var next = event.relatedTarget;
    if (section === "money") {
      // the amount and its date are one entry: saved when focus leaves the pair
      if (next && next.dataset && next.dataset.col && sectionOf(next.dataset.col) === "money" && pkOf(next) === pk) { return; }
      if (dirty(cell(pk, "amount")) || dirty(cell(pk, "date"))) { save(pk, "money"); }
      return;
    }
    if (dirty(el)) { save(pk, "progress"); }
  });

  // ---- moving like a spreadsheet ---------------------------------------------------------------------
  function focusCell(rowIndex, col) {
    var all = rows();
    if (rowIndex < 0 || rowIndex >= all.length) { return false; }
    var target = cell(all[rowIndex].dataset.pk, col);
    target.focus();
    if (target.select) { target.select(); }
    return true;
  }
  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el.dataset || !el.dataset.col) { return; }
    var all = rows();
    var index = all.indexOf(el.closest("tr.grid-row"));
    var col = el.dataset.col;
    if (event.key === "Enter") {
      if (event.altKey && el.tagName === "TEXTAREA") {  // a new line inside a text cell
        event.preventDefault();
        el.setRangeText("\n", el.selectionStart, el.selectionEnd, "end");
        return;
      }
      event.preventDefault();  // never submits the form: Enter moves down (Shift+Enter up), as in a spreadsheet
      focusCell(index + (event.shiftKey ? -1 : 1), col);
      return;
    }
    if (event.key === "Tab") {  // past the row's last cell to the next row's first, skipping the project link
      if (!event.shiftKey && col === CELLS[CELLS.length - 1] && focusCell(index + 1, CELLS[0])) { event.preventDefault(); }
      if (event.shiftKey && col === CELLS[0] && focusCell(index - 1, CELLS[CELLS.length - 1])) { event.preventDefault(); }
    }
  });

  // "Save all" with the script: every changed section of every row, without reloading
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    rows().forEach(function (tr) {
      var pk = tr.dataset.pk;
      ["progress", "money"].forEach(function (section) {
        if (colsOf(section).some(function (col) { return dirty(cell(pk, col)); })) { save(pk, section); }
      });
    });
  });

  // ---- never lose what was typed ---------------------------------------------------------------------
  function unsaved() {
    if (inflight > 0 || queuedCells(readQueue()) > 0) { return true; }
    return Array.prototype.some.call(form.querySelectorAll("[data-col]"), dirty);
  }
  window.addEventListener("beforeunload", function (event) {
    if (unsaved()) {
      event.preventDefault();
      event.returnValue = form.dataset.msgLeave;
      return form.dataset.msgLeave;
    }
    return undefined;
  });
  window.addEventListener("online", flush);

  // what an earlier visit could not send is put back into its cells and sent again
  (function restore() {
    var queue = readQueue();
    Object.keys(queue).forEach(function (id) {
      var item = queue[id];
      if (!rowEl(item.pk)) { return; }
      item.cells.forEach(function (col) {
        cell(item.pk, col).value = item.values[col];
        mark(item.pk, col, "is-queued", form.dataset.msgQueued);
      });
    });
    showBanner(queue);
    if (Object.keys(queue).length) { flush(); }
  })();

  // cells typed before this script arrived and already left are sent now; the cell still being typed in
  // (and the money pair it belongs to) is sent when it is left, as usual
  Object.keys(typedEarly).forEach(function (id) {
    var pk = id.split(":")[0];
    var section = id.split(":")[1];
    var focused = document.activeElement;
    var here = focused && focused.dataset && focused.dataset.col && pkOf(focused) === pk && sectionOf(focused.dataset.col) === section;
    if (!here) { save(pk, section); }
  });
})();
