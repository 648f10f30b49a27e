// The lesson editor in the admin (lessons/authoring/editor.py): the Markdown source beside the
// learner's rendering of it, in an iframe that carries only the learner's CSS. The preview
// follows the caret (the section the caret is in, then proportionally within it), images
// are uploaded by button, drop or paste, and Ctrl/Cmd+B, E and K write bold, code and links.
"use strict";
(() => {
  const PREVIEW_DELAY_MS = 300;

  function setUp(editor) {
    const source = editor.querySelector("textarea");
    const frame = editor.querySelector("iframe");
    const status = editor.querySelector(".markdown-editor-status");
    const form = source.form;
    const csrfToken = () => form.querySelector("input[name=csrfmiddlewaretoken]").value;
    let timer = null;
    let controller = null;

    const frameArticle = () => frame.contentDocument?.getElementById("preview");

    function say(text, isProblem) {
      status.textContent = "";
      const message = document.createElement("span");
      message.textContent = text;
      if (isProblem) {
        message.className = "problem";
        message.setAttribute("role", "alert");
      }
      status.append(message);
    }

    function showProblem(text) {
      const article = frameArticle();
      if (!article) return;
      const message = article.ownerDocument.createElement("p");
      message.className = "callout bad";
      message.setAttribute("role", "alert");
      message.textContent = text;
      article.replaceChildren(message);
    }

    async function refresh() {
      controller?.abort();
      controller = new AbortController();
      const data = new FormData();
      data.append("body", source.value);
      let response;
      try {
        response = await fetch(editor.dataset.previewUrl, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
          signal: controller.signal,
        });
      } catch (error) {
        if (error.name !== "AbortError") showProblem(editor.dataset.failed);
        return;
      }
      if (!response.ok || response.redirected) {
        showProblem([400, 413].includes(response.status) ? editor.dataset.tooLarge : editor.dataset.failed);
        return;
      }
      const html = await response.text();
      const article = frameArticle();
      if (!article) return;
      // The server rendered and sanitized it exactly as the lesson page does.
      article.innerHTML = html;
      editor.dataset.previewVersion = String(Number(editor.dataset.previewVersion || 0) + 1);
      follow();
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(refresh, PREVIEW_DELAY_MS);
    }

    // Lines of the source that start a heading the preview shows (## and deeper; a fenced
    // code block's "#" lines are comments, not headings).
    function headingLines(lines) {
      const found = [];
      let fence = null;
      lines.forEach((line, index) => {
        const marker = line.match(/^\s{0,3}(`{3,}|~{3,})/);
        if (marker) {
          if (fence === null) fence = marker[1][0];
          else if (marker[1][0] === fence) fence = null;
          return;
        }
        if (fence === null && /^#{2,6}\s/.test(line)) found.push(index);
      });
      return found;
    }

    function follow() {
      const article = frameArticle();
      const view = frame.contentWindow;
      if (!article || !view) return;
      const lines = source.value.split("\n");
      const caretLine = source.value.slice(0, source.selectionStart).split("\n").length - 1;
      const starts = headingLines(lines);
      const headings = [...article.querySelectorAll(".lesson-body :is(h2, h3, h4, h5, h6)")];
      const documentHeight = article.ownerDocument.documentElement.scrollHeight;
      let section = -1;
      starts.forEach((line, index) => {
        if (line <= caretLine && index < headings.length) section = index;
      });
      const top = section >= 0 ? headings[section].offsetTop : 0;
      const bottom = headings[section + 1]?.offsetTop ?? documentHeight;
      const firstLine = section >= 0 ? starts[section] : 0;
      const lastLine = starts[section + 1] ?? lines.length;
      const within = lastLine > firstLine ? (caretLine - firstLine) / (lastLine - firstLine) : 0;
      const target = top + within * (bottom - top) - view.innerHeight / 3;
      view.scrollTo({ top: Math.max(0, target), behavior: "instant" });
    }

    // Text written at the caret through the browser's editing, so Ctrl+Z undoes it.
    function insert(text, selectFrom = null, selectTo = null) {
      source.focus();
      const start = source.selectionStart;
      if (!document.execCommand("insertText", false, text)) {
        source.setRangeText(text, start, source.selectionEnd, "end");
        source.dispatchEvent(new Event("input", { bubbles: true }));
      }
      if (selectFrom !== null) source.setSelectionRange(start + selectFrom, start + selectTo);
    }

    function wrap(before, after) {
      const selected = source.value.slice(source.selectionStart, source.selectionEnd);
      insert(before + selected + after, before.length, before.length + selected.length);
    }

    const commands = {
      bold: () => wrap("**", "**"),
      code: () => wrap("`", "`"),
      link: () => {
        const selected = source.value.slice(source.selectionStart, source.selectionEnd);
        const text = `[${selected}](https://)`;
        insert(text, selected.length + 3, text.length - 1);
      },
    };
    const shortcuts = { b: "bold", e: "code", k: "link" };

    async function upload(file) {
      say(editor.dataset.uploading, false);
      const data = new FormData();
      data.append("image", file);
      let response;
      let answer = {};
      try {
        response = await fetch(editor.dataset.uploadUrl, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
        });
        answer = await response.json();
      } catch {
        say(editor.dataset.uploadFailed, true);
        return;
      }
      if (!response.ok || !answer.markdown) {
        say(answer.error || editor.dataset.uploadFailed, true);
        return;
      }
      // The alt text says what the picture shows; a file name ("IMG_0412") never does.
      const described = (window.prompt(editor.dataset.describe, "") || "").replace(/[[\]\r\n]+/g, " ").trim();
      const before = source.value.slice(0, source.selectionStart);
      const gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      insert(`${gap}![${described}](${answer.url})\n`);
      say(described ? editor.dataset.uploaded : editor.dataset.undescribed, !described);
    }

    const imageFiles = (transfer) => [...(transfer?.files || [])].filter((file) => file.type.startsWith("image/") || file.type === "");

    source.addEventListener("input", schedule);
    for (const event of ["keyup", "click", "select"]) {
      source.addEventListener(event, () => requestAnimationFrame(follow));
    }
    source.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const command = shortcuts[event.key.toLowerCase()];
      if (!command) return;
      event.preventDefault();
      commands[command]();
    });
    editor.querySelectorAll("[data-command]").forEach((button) => {
      button.addEventListener("click", () => commands[button.dataset.command]());
    });
    editor.querySelector("[data-image-input]").addEventListener("change", (event) => {
      for (const file of event.target.files) upload(file);
      event.target.value = "";
    });
    source.addEventListener("dragover", (event) => {
      if (![...event.dataTransfer.types].includes("Files")) return;
      event.preventDefault();
      source.classList.add("dropping");
    });
    source.addEventListener("dragleave", () => source.classList.remove("dropping"));
    source.addEventListener("drop", (event) => {
      source.classList.remove("dropping");
      const files = imageFiles(event.dataTransfer);
      if (!files.length) return;
      event.preventDefault();
      files.forEach(upload);
    });
    source.addEventListener("paste", (event) => {
      const files = imageFiles(event.clipboardData);
      if (!files.length) return;
      event.preventDefault();
      files.forEach(upload);
    });

    // The iframe's document is ready once it has loaded its srcdoc (maybe already).
    if (frameArticle() && frame.contentDocument.readyState === "complete") refresh();
    else frame.addEventListener("load", refresh, { once: true });
  }

  function start() {
    document.querySelectorAll(".markdown-editor").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
