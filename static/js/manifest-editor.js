// The hands-on task's manifest field: Tab indents (two spaces), Escape then Tab leaves
// the field as keyboard users expect, and the line numbers follow the text and scroll.
// Without JavaScript it is a plain textarea with numbers for the first lines.
"use strict";
(() => {
  function setUp() {
    const field = document.getElementById("manifest");
    const gutter = document.querySelector(".manifest-lines");
    if (!field || !gutter || field.dataset.ready) return;
    field.dataset.ready = "1";
    let leaving = false;
    const number = () => {
      const count = Math.max(field.value.split("\n").length, field.rows);
      gutter.textContent = Array.from({ length: count }, (_, i) => i + 1).join("\n");
      gutter.scrollTop = field.scrollTop;
    };
    field.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        leaving = true;
        return;
      }
      if (event.key !== "Tab" || leaving || event.altKey || event.ctrlKey || event.metaKey) {
        leaving = false;
        return;
      }
      event.preventDefault();
      const { selectionStart: start, selectionEnd: end, value } = field;
      if (event.shiftKey) {
        const lineStart = value.lastIndexOf("\n", start - 1) + 1;
        if (value.startsWith("  ", lineStart)) {
          field.setRangeText("", lineStart, lineStart + 2, "preserve");
        }
      } else {
        field.setRangeText("  ", start, end, "end");
      }
      number();
    });
    field.addEventListener("blur", () => { leaving = false; });
    field.addEventListener("input", number);
    field.addEventListener("scroll", () => { gutter.scrollTop = field.scrollTop; });
    number();
  }
  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSettle", setUp);
})();
