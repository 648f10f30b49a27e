"""A learner who uses only the keyboard (Tab, Shift+Tab, Enter, Space, arrow keys, Escape
and typing), and the focus ring each control shows them: visible, and at least 3:1 against
the background it is drawn on (WCAG 2.1, 1.4.11)."""

from playwright.sync_api import Error as PlaywrightError

MIN_RING_CONTRAST = 3.0

# The focused element's outline colour and the colour behind it, both as [r, g, b] after
# compositing (colours may be written in any CSS syntax: a canvas turns them into sRGB).
# An outline drawn outside the element (offset >= 0) sits on its ancestors' background,
# an inset one on the element's own.
FOCUS_RING_SCRIPT = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const rgba = (color) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "#000";
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const style = getComputedStyle(el);
  let name = el.tagName.toLowerCase();
  if (el.id) name += "#" + el.id;
  for (const cls of Array.from(el.classList).slice(0, 2)) name += "." + cls;
  const text = el.getAttribute("aria-label") || el.textContent || el.value || "";
  const label = text.replace(/\s+/g, " ").trim();
  name += label ? ` "${label.slice(0, 30)}"` : "";
  const width = parseFloat(style.outlineWidth) || 0;
  if (style.outlineStyle === "none" || width === 0) {
    return {element: name, ring: null, background: null, width: 0};
  }
  const inset = parseFloat(style.outlineOffset) < 0;
  const layers = [];
  for (let up = inset ? el : el.parentElement; up; up = up.parentElement) {
    layers.push(rgba(getComputedStyle(up).backgroundColor));
  }
  // Below every background: the browser's canvas, white or (dark scheme) #121212.
  const meta = document.querySelector("meta[name=color-scheme]");
  const root = getComputedStyle(document.documentElement).colorScheme;
  const schemes = root + (meta ? meta.content : "");
  const dark = matchMedia("(prefers-color-scheme: dark)").matches && schemes.includes("dark");
  let background = dark ? [18, 18, 18] : [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) {
    background = [r * a + background[0] * (1 - a), g * a + background[1] * (1 - a),
                  b * a + background[2] * (1 - a)];
  }
  const [r, g, b, a] = rgba(style.outlineColor);
  const ring = [r * a + background[0] * (1 - a), g * a + background[1] * (1 - a),
                b * a + background[2] * (1 - a)];
  return {element: name, ring, background, width};
}
"""
# Where focus is, to compare with a selector.
FOCUS_MATCHES = "selector => !!document.activeElement && document.activeElement.matches(selector)"
IS_CONTROL = """
() => {
  const el = document.activeElement;
  return !!el && el !== document.body && el.tabIndex >= 0;
}
"""


def luminance(rgb) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


class KeyboardUser:
    """Drives a page with keys only, and checks the focus ring of every control that
    receives focus from a key press."""

    def __init__(self, page):
        self.page = page
        self.ring_problems: dict[str, str] = {}

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        try:
            self.check_focus_ring()
        except PlaywrightError as error:
            # The key started a navigation: the next page has its own rings to check.
            if "context was destroyed" not in str(error):
                raise

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)

    def has_focus(self, selector: str) -> bool:
        return self.page.evaluate(FOCUS_MATCHES, selector)

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 200) -> None:
        """Tab (or Shift+Tab) until the element matching `selector` has focus."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            if self.has_focus(selector):
                return
            self.press(key)
        raise AssertionError(f"{selector} never got focus after {limit} presses of {key}")

    def tab_through(self, stops: int) -> None:
        """Tab through the page's first `stops` controls, checking each ring."""
        for _ in range(stops):
            self.press("Tab")

    def focused(self) -> str:
        return self.page.evaluate(
            "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 120) : ''"
        )

    def check_focus_ring(self) -> None:
        if not self.page.evaluate(IS_CONTROL):
            return
        found = self.page.evaluate(FOCUS_RING_SCRIPT)
        if found is None:
            return
        where = f"{self.page.url} {found['element']}"
        if found["ring"] is None:
            self.ring_problems[where] = "no visible focus outline"
            return
        ratio = contrast(found["ring"], found["background"])
        if ratio < MIN_RING_CONTRAST:
            ring = ",".join(str(round(v)) for v in found["ring"])
            background = ",".join(str(round(v)) for v in found["background"])
            self.ring_problems[where] = (
                f"focus ring rgb({ring}) on rgb({background}) is {ratio:.2f}:1, below 3:1"
            )

    def assert_focus_rings(self) -> None:
        problems = [f"{where}: {problem}" for where, problem in self.ring_problems.items()]
        assert not problems, "focus rings:\n" + "\n".join(problems)
