// Reading progress: tells the server the furthest lesson section the reader has reached.
// The form's hx-trigger waits for a pause, so a fast scroll sends one request, not dozens.
document.addEventListener("DOMContentLoaded", () => {
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
});
