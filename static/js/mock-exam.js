// The mock exam's page: the countdown (a display; the server keeps the deadline), answers
// kept in the browser while offline and sent on reconnect, "finish" asking first when
// questions are unanswered or flagged, and the page locked when the time is up.
// Without JavaScript every button is a plain form post and the server asks on a page.
"use strict";
(() => {
  function setUp() {
    const clock = document.getElementById("exam-clock");
    const form = document.getElementById("exam-form");
    if (!clock || !form) return;
    const notice = document.getElementById("exam-notice");
    const dialog = document.getElementById("finish-dialog");
    const storeKey = `mock-exam:${clock.dataset.sitting}`;
    let pending = null; // where to go once the queue is sent: a button's value or a URL
    let timeUp = false;

    const say = (key) => {
      notice.textContent = notice.dataset[key];
      notice.hidden = false;
    };
    const readQueue = () => {
      try {
        return JSON.parse(window.localStorage.getItem(storeKey) || "{}");
      } catch {
        return {};
      }
    };
    const writeQueue = (queue) => {
      if (Object.keys(queue).length) window.localStorage.setItem(storeKey, JSON.stringify(queue));
      else window.localStorage.removeItem(storeKey);
    };
    const keep = () => {
      const body = new URLSearchParams(new FormData(form));
      body.delete("go");
      writeQueue({ ...readQueue(), [form.action]: body.toString() });
    };

    // Send what the browser kept, oldest question first; then go where the learner asked.
    let flushing = false;
    async function flush() {
      if (flushing) return;
      flushing = true;
      const queue = readQueue();
      const urls = Object.keys(queue);
      let sent = 0;
      for (const url of urls) {
        let response;
        try {
          response = await fetch(url, {
            method: "POST",
            body: new URLSearchParams(queue[url]),
            headers: { "HX-Request": "true" },
            credentials: "same-origin",
          });
        } catch {
          flushing = false;
          return; // still offline: try again on the next "online"
        }
        const rest = readQueue();
        delete rest[url];
        writeQueue(rest);
        sent += 1;
        const redirect = response.headers.get("HX-Redirect");
        if (redirect) {
          flushing = false;
          window.location.assign(redirect);
          return;
        }
      }
      flushing = false;
      if (sent) say("sent");
      if (timeUp) finishNow();
      else if (pending) go(pending);
    }

    function go(where) {
      pending = null;
      if (where.startsWith("/")) {
        window.location.assign(where);
        return;
      }
      const button = form.querySelector(`button[name="go"][value="${where}"]`);
      if (button) button.click();
    }

    let lastGo = "";
    form.addEventListener("click", (event) => {
      const button = event.target.closest("button[name=go]");
      if (button) lastGo = button.value;
    });
    form.addEventListener("change", () => {
      lastGo = "";
    });
    // An answer typed or chosen but not yet saved: time-up sends it before finishing.
    // Captured, so it is marked before htmx's own listener starts the save.
    let unsaved = false;
    const markUnsaved = () => {
      unsaved = true;
    };
    form.addEventListener("input", markUnsaved, { capture: true });
    form.addEventListener("change", markUnsaved, { capture: true });
    form.addEventListener("htmx:beforeRequest", (event) => {
      // Once locked the fields are disabled, so a late autosave would post an empty
      // answer and clear the one saved; the lock sends what is unsaved itself.
      if (timeUp) event.preventDefault();
      else unsaved = false;
    });
    form.addEventListener("htmx:sendError", () => {
      keep();
      if (lastGo && lastGo !== "save") {
        pending = lastGo;
        say("moving");
      } else {
        say("offline");
      }
      lastGo = "";
    });
    form.addEventListener("htmx:responseError", () => say("refused"));
    window.addEventListener("online", flush);

    // A question's link while offline (or with answers still waiting) waits too.
    document.getElementById("exam-nav")?.parentElement.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || (navigator.onLine && !Object.keys(readQueue()).length)) return;
      event.preventDefault();
      pending = link.getAttribute("href");
      say("moving");
      if (navigator.onLine) flush();
    });

    // "Finish" asks first when something is left to check.
    form.querySelector('button[name="go"][value="finish"]')?.addEventListener("click", (event) => {
      const nav = document.getElementById("exam-nav");
      const unanswered = nav.querySelectorAll("a:not(.answered)").length;
      const flagged = nav.querySelectorAll("a.flagged").length;
      if (!dialog || (!unanswered && !flagged)) return;
      event.preventDefault();
      document.getElementById("finish-unanswered").textContent = String(unanswered);
      document.getElementById("finish-flagged").textContent = String(flagged);
      dialog.showModal();
    });
    dialog?.querySelector("[data-close-dialog]")?.addEventListener("click", () => dialog.close());

    // Time is up: the page locks, says so, sends what it kept and finishes the sitting.
    async function finishNow() {
      const body = new URLSearchParams();
      body.set("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      try {
        const response = await fetch(clock.dataset.finishUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
        });
        window.location.assign(response.url);
      } catch {
        // Offline: "online" sends the queue, then finishes.
      }
    }
    function lock() {
      timeUp = true;
      dialog?.close();
      form.inert = true;
      if (unsaved) keep();
      for (const field of form.elements) field.disabled = true;
      say("timeUp");
      if (Object.keys(readQueue()).length) flush();
      else finishNow();
    }

    const timer = clock.querySelector(".exam-timer");
    const deadline = Date.parse(clock.dataset.deadline);
    const label = document.documentElement.lang === "ko" ? "남은 시간" : "Time left";
    function tick() {
      // Rounded up: the page locks at the deadline, never before it (the server then
      // records the finish as a time-up).
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      timer.textContent = `(${label} ${minutes}:${seconds})`;
      clock.classList.toggle("ending", left <= 300);
      if (left > 0) window.setTimeout(tick, 1000);
      else lock();
    }
    timer.hidden = false;
    tick();
    if (navigator.onLine && Object.keys(readQueue()).length) flush();
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
