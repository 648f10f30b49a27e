// The one-page quiz editor: up and down buttons beside nested-admin's drag handles, so
// that questions and choices can be reordered from the keyboard too. Each move renumbers
// the position fields of the group in the order shown.
(function () {
  "use strict";
  const korean = (document.documentElement.lang || "").startsWith("ko");
  const words = korean
    ? { up: "위로 이동", down: "아래로 이동" }
    : { up: "Move up", down: "Move down" };

  function items(group) {
    const container = group.querySelector(":scope > .djn-fieldset > .djn-items, :scope > .djn-items, :scope > .tabular > .djn-fieldset > .djn-items");
    if (!container) return [];
    return Array.from(container.children).filter(
      (el) => el.classList.contains("djn-inline-form") && !el.classList.contains("djn-empty-form") && !el.id.endsWith("-empty")
    );
  }

  function renumber(group) {
    items(group).forEach((item, index) => {
      const field = item.querySelector(`[name="${item.id}-position"]`);
      if (field) field.value = String(index + 1);
    });
  }

  function move(item, step) {
    const group = item.closest(".djn-group");
    const list = items(group);
    const index = list.indexOf(item);
    const other = list[index + step];
    if (!other) return;
    if (step < 0) other.before(item);
    else other.after(item);
    renumber(group);
    refresh(group);
  }

  function refresh(group) {
    const list = items(group);
    list.forEach((item, index) => {
      const buttons = item.querySelector(":scope .quiz-move");
      if (!buttons || buttons.closest(".djn-inline-form") !== item) return;
      buttons.querySelector("[data-step='-1']").disabled = index === 0;
      buttons.querySelector("[data-step='1']").disabled = index === list.length - 1;
    });
  }

  function addButtons(item, label) {
    if (item.querySelector(":scope > h3 > .quiz-move, :scope > tr > td.original > .quiz-move")) return;
    const where = item.querySelector(":scope > h3") || item.querySelector(":scope > tr > td.original");
    if (!where) return;
    const box = document.createElement("span");
    box.className = "quiz-move";
    for (const [step, text, name] of [[-1, "▲", words.up], [1, "▼", words.down]]) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.step = String(step);
      button.textContent = text;
      button.setAttribute("aria-label", `${name}: ${label}`);
      button.addEventListener("click", (event) => {
        event.preventDefault();
        move(item, step);
        button.focus();
      });
      box.append(button);
    }
    where.prepend(box);
  }

  // A short answer has accepted answers and no choices; the other kinds the reverse.
  function showFieldsOfKind(question) {
    const kind = question.querySelector("select[name$='-kind']");
    if (!kind || question.closest(".djn-group-nested")) return;
    const short = kind.value === "short";
    const answers = question.querySelector("textarea[name$='-accepted_answers']");
    const answersBox = answers && answers.closest(".fieldBox").parentElement;
    if (answersBox) {
      const keep = !short && !answers.value.trim() && !answersBox.querySelector(".errorlist");
      answersBox.classList.toggle("quiz-unused", keep);
    }
    const choices = question.querySelector(".djn-group-nested");
    if (choices) {
      const filled = Array.from(choices.querySelectorAll("input[name$='-text']")).some(
        (input) => input.value.trim() && !input.closest(".djn-empty-form")
      );
      choices.classList.toggle("quiz-unused", short && !filled && !choices.querySelector(".errorlist"));
    }
  }

  function enhance() {
    const form = document.getElementById("quiz_form");
    if (!form) return;
    form.classList.add("quiz-sortable");
    form.querySelectorAll(".djn-group").forEach((group) => {
      items(group).forEach((item, index) => {
        const text = item.querySelector("textarea[name$='-prompt'], input[name$='-text']");
        addButtons(item, (text && text.value.slice(0, 40)) || `#${index + 1}`);
      });
      refresh(group);
    });
    form.querySelectorAll(".quiz-questions .djn-inline-form").forEach(showFieldsOfKind);
    form.querySelectorAll(".quiz-choices table").forEach((table) => {
      const cell = table.querySelector("td.field-position");
      const heading = cell && table.tHead && table.tHead.rows[0].cells[cell.cellIndex];
      if (heading) heading.classList.add("quiz-position-heading");
    });
  }

  document.addEventListener("DOMContentLoaded", enhance);
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[name$='-kind']")) {
      showFieldsOfKind(event.target.closest(".djn-inline-form"));
    }
  });
  // Questions and choices added with nested-admin's "add another" get their buttons too.
  document.addEventListener("click", (event) => {
    if (event.target.closest(".djn-add-handler")) setTimeout(enhance, 0);
  });})();
