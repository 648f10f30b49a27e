// The portal's small enhancements. Every page works without them; they add the phone
// menu, the live search combobox, messages for failed htmx requests, focus that stays
// where the learner was after a swap, and reading progress.
"use strict";

// ---- Phone menu: the header's links fold behind a button on narrow screens.
function setUpMenu() {
  const header = document.querySelector(".site-header");
  const toggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("site-menu");
  if (!header || !toggle || !menu) return;
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  };
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.classList.contains("is-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
}

// ---- Live search: the WAI-ARIA combobox pattern over the results htmx puts in the list.
function setUpSearch() {
  const input = document.getElementById("site-search-q");
  const results = document.getElementById("site-search-results");
  if (!input || !results) return;
  const options = () => Array.from(results.querySelectorAll("[role=option]"));
  let active = -1;

  const setActive = (index) => {
    const all = options();
    active = all.length ? (index + all.length) % all.length : -1;
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const open = () => {
    const has = results.querySelector("[role=listbox], .search-live-empty") !== null;
    results.hidden = !has;
    input.setAttribute("aria-expanded", String(options().length > 0));
  };
  const close = () => {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  };

  results.addEventListener("htmx:afterSwap", () => {
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (document.activeElement === input) open();
    else close();
    const said = results.querySelector("[data-announce]");
    if (said) announce(said.dataset.announce);
  });
  input.addEventListener("keydown", (event) => {
    const expanded = input.getAttribute("aria-expanded") === "true";
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options().length) return;
      event.preventDefault();
      if (!expanded) open();
      setActive(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && expanded && active >= 0) {
      event.preventDefault();
      const link = options()[active].querySelector("a");
      if (link) window.location.assign(link.href);
    } else if (event.key === "Escape") {
      if (!results.hidden) {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    }
  });
  input.addEventListener("focus", () => { if (input.value.trim()) open(); });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".site-search")) close();
  });
  document.addEventListener("focusin", (event) => {
    if (!event.target.closest(".site-search")) close();
  });
}

// ---- Messages: a polite announcement, and a toast for any htmx request that failed.
function announce(text) {
  const announcer = document.getElementById("announcer");
  if (!announcer) return;
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

function showToast(text, withReload) {
  const region = document.getElementById("toasts");
  if (!region) return;
  const toast = document.createElement("div");
  toast.className = "toast";
  const message = document.createElement("p");
  message.textContent = text;
  toast.append(message);
  const actions = document.createElement("div");
  actions.className = "cluster";
  if (withReload) {
    const reload = document.createElement("button");
    reload.type = "button";
    reload.className = "link-button";
    reload.textContent = region.dataset.reload;
    reload.addEventListener("click", () => window.location.reload());
    actions.append(reload);
  }
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "link-button";
  dismiss.textContent = region.dataset.dismiss;
  dismiss.addEventListener("click", () => toast.remove());
  actions.append(dismiss);
  toast.append(actions);
  region.replaceChildren(toast);
}

function messageFor(status) {
  const data = document.getElementById("toasts")?.dataset || {};
  if (status >= 500) return data.message5xx;
  return data[`message${status}`] || data.message400;
}

function isBackground(event) {
  return Boolean(event.detail.elt?.closest?.("[data-background]"));
}

document.addEventListener("htmx:responseError", (event) => {
  if (isBackground(event)) return;
  const status = event.detail.xhr.status;
  showToast(messageFor(status), status === 403 || status === 404);
});
document.addEventListener("htmx:sendError", (event) => {
  if (isBackground(event)) return;
  showToast(document.getElementById("toasts")?.dataset.messageOffline, false);
});
document.addEventListener("portal:announce", (event) => announce(event.detail.message));

// ---- Focus after a swap: the element the new fragment marks (a toggle, a result, an
// error summary) takes the focus as soon as it is in place, and once the swap has
// settled it is brought into view if it is not there already.
let swappedFocus = null;
document.addEventListener("htmx:afterSwap", () => {
  const focus = document.querySelector("[data-focus-after-swap]");
  if (!focus) return;
  focus.removeAttribute("data-focus-after-swap");
  focus.focus({ preventScroll: true });
  swappedFocus = focus;
});
function bringIntoView(element) {
  const top = element.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.8) {
    const margin = parseFloat(getComputedStyle(element).scrollMarginTop) || 0;
    window.scrollTo({ top: window.scrollY + top - margin, behavior: "instant" });
  }
}
document.addEventListener("htmx:afterSettle", () => {
  const focus = swappedFocus;
  swappedFocus = null;
  if (!focus || !focus.isConnected) return;
  bringIntoView(focus);
  // Once more after the next layout, in case a scroll was still under way.
  window.requestAnimationFrame(() => bringIntoView(focus));
});

// An error summary on a freshly loaded page (a form sent without JavaScript's help).
function focusErrorSummary() {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
}

// ---- Error summary links: a link names a field or a question's fieldset, which the
// browser scrolls to but cannot focus (focus would stay on <body>); the field, or the
// first input of the group, takes the focus, with its question or label in view.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.(".error-summary a[href^='#']");
  if (!link) return;
  const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!target) return;
  const field = target.matches("input, select, textarea")
    ? target
    : target.querySelector("input:not([type=hidden]), select, textarea");
  if (!field) return;
  event.preventDefault();
  const shown = target.closest("fieldset") || target.closest("label") || target;
  shown.scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
  history.replaceState(history.state, "", link.hash);
});

// ---- Reading progress: tells the server the furthest lesson section the reader reached.
// The form's hx-trigger waits for a pause, so a fast scroll sends one request, not dozens.
function setUpReadingProgress() {
  const form = document.getElementById("reading-position");
  if (!form) return;
  const input = form.querySelector("input[name=section]");
  let furthest = Number(input.value) || 0;
  const headings = document.querySelectorAll(".lesson-body h2[id], .lesson-body h3[id]");
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const index = Number(entry.target.dataset.sectionIndex);
      if (entry.isIntersecting && index > furthest) {
        furthest = index;
        input.value = String(index);
        form.dispatchEvent(new Event("section-reached"));
      }
    }
  });
  headings.forEach((heading, index) => {
    heading.dataset.sectionIndex = String(index);
    observer.observe(heading);
  });
}

// ---- What scrolls sideways says so: a shadow at the edge with more to see (portal.css,
// .scroll-cue), and a code block that scrolls can be scrolled from the keyboard. Each
// lesson code block also gets a copy button (static/js/copy.js copies).
const SCROLLERS = ".lesson-body pre, .lesson-body table, .table-scroll";

function updateScrollCue(scroller) {
  const cue = scroller.parentElement;
  const more = scroller.scrollWidth - scroller.clientWidth;
  cue.toggleAttribute("data-more-start", scroller.scrollLeft > 1);
  cue.toggleAttribute("data-more-end", more - scroller.scrollLeft > 1);
  if (scroller.matches(".lesson-body pre")) {
    // A tab stop only where there is something to scroll to.
    if (more > 1) scroller.tabIndex = 0;
    else scroller.removeAttribute("tabindex");
  }
}

function setUpScrollers(root) {
  const body = document.querySelector(".lesson-body");
  root.querySelectorAll(SCROLLERS).forEach((scroller, index) => {
    if (scroller.parentElement.classList.contains("scroll-cue")) return;
    const cue = document.createElement("div");
    cue.className = "scroll-cue";
    scroller.replaceWith(cue);
    cue.append(scroller);
    scroller.addEventListener("scroll", () => updateScrollCue(scroller), { passive: true });
    if (scroller.matches(".lesson-body pre") && body) {
      scroller.id ||= `code-${index + 1}`;
      scroller.setAttribute("role", "group");
      scroller.setAttribute("aria-label", body.dataset.codeLabel);
      const copy = document.createElement("button");
      copy.type = "button";
      copy.className = "secondary small copy-code";
      copy.textContent = body.dataset.copyLabel;
      copy.dataset.copyTarget = scroller.id;
      copy.dataset.copyStatus = "announcer";
      copy.dataset.copied = body.dataset.copied;
      copy.dataset.copyFailed = body.dataset.copyFailed;
      cue.classList.add("code-block");
      cue.append(copy);
    }
    updateScrollCue(scroller);
  });
}
window.addEventListener("resize", () => {
  document.querySelectorAll(".scroll-cue > :first-child").forEach(updateScrollCue);
});
document.addEventListener("htmx:load", (event) => setUpScrollers(event.detail.elt));

// ---- Finding one's way in a long lesson: the section being read is marked in the table of
// contents, a thin bar shows how far the reader is, and "back to top" floats in once the
// first screen is passed.
function setUpLessonNavigation() {
  const body = document.querySelector(".lesson-body");
  if (!body) return;
  const headings = Array.from(body.querySelectorAll("h2[id], h3[id]"));
  const links = new Map();
  document.querySelectorAll(".toc a[href^='#']").forEach((link) => {
    const id = decodeURIComponent(link.hash.slice(1));
    links.set(id, [...(links.get(id) || []), link]);
  });
  const bar = document.createElement("div");
  bar.className = "reading-progress";
  bar.setAttribute("aria-hidden", "true");
  document.body.append(bar);
  const back = document.querySelector(".back-to-top");
  let current = null;
  let queued = false;

  const update = () => {
    queued = false;
    const line = window.innerHeight * 0.25;
    let reading = null;
    for (const heading of headings) {
      if (heading.getBoundingClientRect().top > line) break;
      reading = heading.id;
    }
    if (reading !== current) {
      (links.get(current) || []).forEach((link) => link.removeAttribute("aria-current"));
      (links.get(reading) || []).forEach((link) => link.setAttribute("aria-current", "location"));
      current = reading;
    }
    const box = body.getBoundingClientRect();
    const span = box.height - window.innerHeight;
    const done = span > 0 ? Math.min(1, Math.max(0, -box.top / span)) : 1;
    bar.style.transform = `scaleX(${done})`;
    if (back) back.classList.toggle("is-shown", window.scrollY > window.innerHeight);
  };
  const queue = () => {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(update);
  };
  window.addEventListener("scroll", queue, { passive: true });
  window.addEventListener("resize", queue);
  update();
}

document.addEventListener("DOMContentLoaded", () => {
  setUpScrollers(document);
  setUpLessonNavigation();
  setUpMenu();
  setUpSearch();
  setUpReadingProgress();
  focusErrorSummary();
});
