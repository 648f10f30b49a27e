// The mock exam's countdown: a display only. The server stored the deadline when the
// sitting started and refuses answers that arrive after it (plus a short grace).
(() => {
  function setUp() {
    const clock = document.getElementById("exam-clock");
    if (!clock) return;
    const timer = clock.querySelector(".exam-timer");
    const deadline = Date.parse(clock.dataset.deadline);
    const label = document.documentElement.lang === "ko" ? "남은 시간" : "Time left";
    function tick() {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      timer.textContent = `(${label} ${minutes}:${seconds})`;
      clock.classList.toggle("ending", left <= 300);
      if (left > 0) window.setTimeout(tick, 1000);
    }
    timer.hidden = false;
    tick();
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
