// Keeps what a member types into a post form (<form data-draft="key">) in the browser's
// localStorage until the server says it is posted (the "portal:draft-posted" event), so a
// lost connection, an error or a closed tab never loses a question or an answer.
(() => {
  const PREFIX = "portal:draft:";
  const FIELDS = "textarea[name], input[type=text][name]";

  function read(key) {
    try {
      return JSON.parse(window.localStorage.getItem(PREFIX + key) || "null");
    } catch {
      return null;
    }
  }

  function write(key, data) {
    try {
      if (Object.keys(data).length) window.localStorage.setItem(PREFIX + key, JSON.stringify(data));
      else window.localStorage.removeItem(PREFIX + key);
    } catch {
      // Storage full or refused (private mode): the text stays in the form all the same.
    }
  }

  function save(form) {
    const data = {};
    form.querySelectorAll(FIELDS).forEach((field) => {
      if (field.value.trim()) data[field.name] = field.value;
    });
    write(form.dataset.draft, data);
  }

  function restore(root) {
    root.querySelectorAll?.("form[data-draft]").forEach((form) => {
      const saved = read(form.dataset.draft);
      if (!saved) return;
      form.querySelectorAll(FIELDS).forEach((field) => {
        if (!field.value && saved[field.name]) field.value = saved[field.name];
      });
    });
  }

  document.addEventListener("input", (event) => {
    const form = event.target.closest?.("form[data-draft]");
    if (form) save(form);
  });
  document.addEventListener("portal:draft-posted", (event) => write(event.detail.key, {}));
  document.addEventListener("htmx:load", (event) => restore(event.detail.elt));
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => restore(document));
  } else {
    restore(document);
  }
})();
