// Small behaviours without inline scripts (the CSP forbids them).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
// htmx answers 422 for a row with errors: swap it in anyway so the messages show.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr.status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// Long operations (imports, PDF generation): say the work is under way and prevent a second submit.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.dataset || !form.dataset.busy || event.defaultPrevented) {
    return;
  }
  var button = form.querySelector("button[type=submit]");
  if (button) {
    button.disabled = true;
    button.textContent = form.dataset.busy;
  }
  form.setAttribute("aria-busy", "true");
});
// Project form: a ticked search result joins the chosen establishments, so the next search keeps it.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("#establishment-results input[type=checkbox]") || !box.checked) {
    return;
  }
  var chosen = document.getElementById("establishment-chosen");
  var already = chosen.querySelector('input[value="' + box.value + '"]');
  if (already) {
    already.checked = true;
    box.closest("li").remove();
    return;
  }
  chosen.appendChild(box.closest("li"));
});
// Enter in the registry search looks up at once instead of submitting the whole project form.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.id === "establishment-q") {
    event.preventDefault();
    event.target.dispatchEvent(new Event("search"));
  }
});
// A table wider than its box scrolls inside it: make that box reachable with the keyboard (arrow keys
// then scroll it), as WCAG asks of scrollable regions, and only when it actually scrolls.
function markScrollableTables() {
  document.querySelectorAll(".table-scroll, .scroll-x").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollableTables);
window.addEventListener("resize", markScrollableTables);
document.addEventListener("htmx:afterSettle", markScrollableTables);
