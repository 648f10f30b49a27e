// The editors' error summary (templates/admin/lessons/_error_summary.html): it takes the
// focus when the page comes back with errors, so that it is read first; each of its links
// names a field (or an inline row or group), which the browser would scroll to but not
// focus: the field, or the first field of the row, takes the focus, with what surrounds it in view.
(function () {
  "use strict";
  const FIELDS = "input:not([type=hidden]), select, textarea";

  function fieldOf(target) {
    if (target.matches(FIELDS)) return target;
    return Array.from(target.querySelectorAll(FIELDS)).find((field) => field.offsetParent !== null) || null;
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest?.(".error-summary a[href^='#']");
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    // A collapsed fieldset holding the field opens first.
    for (let details = target.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;
    }
    const field = fieldOf(target);
    if (!field) return;
    event.preventDefault();
    // In the middle of the window: the rows above say which question the field is in.
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    history.replaceState(history.state, "", link.hash);
  });

  // After the admin's own script (which focuses an add page's first field) has run.
  window.addEventListener("load", () => {
    const summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
})();
