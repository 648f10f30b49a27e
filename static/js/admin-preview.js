// The admin's live Markdown preview: an answer it cannot show (a body too large to send,
// an expired session, a server error) is said in the preview instead of being swapped in.
"use strict";
document.addEventListener("htmx:responseError", (event) => {
  const preview = document.getElementById("markdown-preview");
  if (!preview || event.detail.target !== preview) return;
  const status = event.detail.xhr.status;
  const message = document.createElement("p");
  message.className = "preview-problem";
  message.setAttribute("role", "alert");
  message.textContent = status === 400 || status === 413
    ? preview.dataset.tooLarge
    : preview.dataset.failed;
  preview.replaceChildren(message);
});
