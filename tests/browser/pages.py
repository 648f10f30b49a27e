"""Every portal page a signed-out visitor, a learner and an instructor can open, on the
demo data (`seed_demo` on the seed lessons), and the in-browser checks run on them: axe-core
and sideways overflow."""

from dataclasses import dataclass
from urllib.parse import unquote

from axe_playwright_python.base import AXE_SCRIPT
from django.urls import reverse

from lessons.models import Category, Exam, Lesson, MockSitting, QuizAttempt
from portal.models import StudyGroup, User

LEARNER = "doyun"  # the demo learner with the most missed questions (a full review page)
INSTRUCTOR = "teacher"
LESSON = "kubernetes-architecture"
ROLES = ["visitor", "learner", "instructor"]
LANGUAGES = ["ko", "en"]
NOT_FOUND = "/no-such-page/"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    status: int = 200
    axe: bool = True

    def __str__(self) -> str:
        return f"{self.name} ({unquote(self.path)})"


def unsubscribe_path() -> str:
    """The one-click unsubscribe page a learner's reminder links to (no login)."""
    from portal.notifications.mail import unsubscribe_token

    learner = User.objects.get(username=LEARNER)
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(learner.pk, "reminder")])


def pages_for(role: str) -> list[Page]:
    """The pages `role` can open, on the demo data."""
    lesson = Lesson.objects.get(slug=LESSON)
    category = Category.objects.filter(lessons__isnull=False).order_by("position").first()
    reading = [
        Page("home", reverse("lessons:home")),
        Page("category", reverse("lessons:category", args=[category.slug])),
        Page("lesson", lesson.get_absolute_url()),
        Page("quiz", reverse("lessons:quiz", args=[lesson.slug])),
        Page("search with results", reverse("lessons:search") + "?q=파드"),
        Page("search without results", reverse("lessons:search") + "?q=zzqqxx"),
        Page("404", NOT_FOUND, status=404),
    ]
    if role == "visitor":
        return [
            *reading,
            Page("login", reverse("login")),
            Page("sign-up", reverse("signup")),
            Page("password reset", reverse("password_reset")),
            Page("unsubscribe", unsubscribe_path()),
        ]
    group = StudyGroup.objects.get(memberships__user__username=INSTRUCTOR)
    if role == "learner":
        attempt = QuizAttempt.objects.filter(user__username=LEARNER).latest("submitted_at")
        return [
            *reading,
            Page(
                "quiz result",
                reverse("lessons:quiz_attempt", args=[attempt.quiz.lesson.slug, attempt.pk]),
            ),
            Page(
                "quiz attempts",
                reverse("lessons:quiz_attempts", args=[attempt.quiz.lesson.slug]),
            ),
            Page("review", reverse("lessons:review")),
            Page("today's review", reverse("lessons:review_today")),
            Page("my progress", reverse("lessons:my_progress")),
            *exam_pages(),
            Page("groups", reverse("groups:list")),
            Page("group create", reverse("groups:create")),
            Page("group join", reverse("groups:join")),
            Page("group", reverse("groups:detail", args=[group.pk])),
            Page("group questions", reverse("groups:questions", args=[group.pk])),
            Page("ask the group", reverse("groups:ask", args=[lesson.slug])),
            Page("account", reverse("account")),
            Page("calendar", reverse("calendars:page")),
        ]
    learner = User.objects.get(username=LEARNER)
    # A lesson, my progress and 404 look the same to an instructor: axe has seen them.
    return [
        Page("home", reverse("lessons:home")),
        Page("lesson", lesson.get_absolute_url(), axe=False),
        Page("my progress", reverse("lessons:my_progress"), axe=False),
        Page("today's review, nothing due", reverse("lessons:review_today")),
        Page("groups", reverse("groups:list")),
        Page("group", reverse("groups:detail", args=[group.pk])),
        Page("group questions", reverse("groups:questions", args=[group.pk])),
        Page("account, with the digest", reverse("account")),
        Page("calendar", reverse("calendars:page")),
        Page("group manage", reverse("groups:manage", args=[group.pk])),
        Page("group pace dates", reverse("groups:pace_dates", args=[group.pk])),
        Page("dashboard", reverse("groups:dashboard", args=[group.pk])),
        Page("group readiness", reverse("groups:readiness", args=[group.pk])),
        Page(
            "dashboard learner",
            reverse("groups:dashboard_learner", args=[group.pk, learner.pk]),
        ),
        Page(
            "dashboard lesson",
            reverse("groups:dashboard_lesson", args=[group.pk, lesson.pk]),
        ),
        Page("404", NOT_FOUND, status=404, axe=False),
    ]


def exam_pages() -> list[Page]:
    """The learner's exam pages: readiness, the mock exam's start page, the result of the
    demo's finished sitting and a question of an open one (started here)."""
    from lessons.exams import mock as mock_exams

    exam = Exam.objects.get(slug="cka")
    learner = User.objects.get(username=LEARNER)
    finished = MockSitting.objects.filter(user=learner, finished_at__isnull=False).first()
    sitting = mock_exams.start(learner, exam)
    return [
        Page("exam readiness", reverse("lessons:exam", args=[exam.slug])),
        Page("mock exam start", reverse("lessons:mock_start", args=[exam.slug])),
        Page(
            "mock exam question", reverse("lessons:mock_question", args=[exam.slug, sitting.pk, 2])
        ),
        Page("mock exam result", reverse("lessons:mock_sitting", args=[exam.slug, finished.pk])),
    ]


def user_for(role: str) -> User | None:
    username = {"learner": LEARNER, "instructor": INSTRUCTOR}.get(role)
    return User.objects.get(username=username) if username else None


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is, one readable line per rule."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run({resultTypes: ['violations']})")
    lines = []
    for violation in results["violations"]:
        targets = [" ".join(node["target"]) for node in violation["nodes"]]
        shown = ", ".join(targets[:5]) + (
            f" (+{len(targets) - 5} more)" if len(targets) > 5 else ""
        )
        lines.append(f"{violation['id']} ({violation['impact']}) ×{len(targets)}: {shown}")
    return lines


# The document's width beyond the viewport, and the widest elements that stick out of it
# (those inside a container that scrolls or clips on its own do not widen the page).
OVERFLOW_SCRIPT = """
() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return null;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    for (const cls of Array.from(el.classList).slice(0, 3)) name += "." + cls;
    const parent = el.parentElement;
    if (parent && parent !== document.body) {
      let up = parent.tagName.toLowerCase();
      if (parent.id) up += "#" + parent.id;
      else if (parent.classList.length) up += "." + parent.classList[0];
      name = up + " > " + name;
    }
    return name;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || clipped(el)) continue;
    const parent = el.parentElement.getBoundingClientRect();
    const own = box.right > parent.right + 1;  // sticks out of its parent, not only with it
    wide.push({element: describe(el), width: Math.round(box.width), own});
  }
  wide.sort((a, b) => b.width - a.width);
  // What usually forces the width: content that does not wrap.
  const content = [];
  for (const el of document.body.querySelectorAll("pre, table, img, svg, iframe, video")) {
    if (el.scrollWidth > width && !clipped(el)) {
      content.push({element: describe(el), width: el.scrollWidth, own: false, content: true});
    }
  }
  content.sort((a, b) => b.width - a.width);
  const picked = [...wide.filter((w) => w.own).slice(0, 3), ...content.slice(0, 2)];
  const seen = new Set();
  const widest = picked.filter((w) => !seen.has(w.element) && seen.add(w.element));
  return {scrollWidth, width, widest};
}
"""


NOTES = {
    (True, False): " (sticks out of its parent)",
    (False, True): " (content that does not wrap)",
    (False, False): "",
}


def overflow(page) -> str | None:
    """None when the page fits its viewport's width, else what sticks out."""
    found = page.evaluate(OVERFLOW_SCRIPT)
    if found is None:
        return None
    widest = "; ".join(
        f"{w['element']} {w['width']}px wide" + NOTES[(w["own"], w.get("content", False))]
        for w in found["widest"]
    )
    return f"{found['scrollWidth']}px wide in {found['width']}px: {widest}"
