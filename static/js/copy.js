// Copy buttons: <button data-copy-target="ID" data-copy-status="ID" data-copied="…"
// data-copy-failed="…" hidden>. The button stays hidden without JavaScript (the field it
// copies is read-only and selectable); here it is shown, also in content htmx swaps in.
// The target is a read-only field (its value) or a lesson's code block (its text: portal.js
// gives every code block its button).
(() => {
  const reveal = (root) => {
    root.querySelectorAll("button[data-copy-target][hidden]").forEach((button) => {
      button.hidden = false;
    });
  };

  // A form field copies its value; anything else (a lesson's code block) its text.
  const textOf = (field) => ("value" in field ? field.value : field.textContent);
  const select = (field) => {
    if ("select" in field) {
      field.select();
      return;
    }
    const range = document.createRange();
    range.selectNodeContents(field);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  };

  const copy = async (field) => {
    try {
      await navigator.clipboard.writeText(textOf(field));
      return true;
    } catch {
      // No clipboard API (a page not served over HTTPS): copy the selection instead.
      select(field);
      return document.execCommand("copy");
    }
  };

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-copy-target]");
    if (!button) return;
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!field) return;
    const copied = await copy(field);
    if (!copied) select(field);
    if (status) {
      // Emptied first, so that a second copy is announced again.
      status.textContent = "";
      const message = copied ? button.dataset.copied : button.dataset.copyFailed;
      setTimeout(() => {
        status.textContent = message;
      }, 100);
    }
  });

  document.addEventListener("DOMContentLoaded", () => reveal(document));
  document.addEventListener("htmx:load", (event) => reveal(event.detail.elt));
})();
