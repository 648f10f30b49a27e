"""The parts of the readiness and progress pages that show a learner's exams, kept
rendered under the learner's footprint (lessons/progress/footprints.py)."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lessons.exams import mock as mock_exams
from lessons.exams import readiness
from lessons.kernel import charts
from lessons.models import Exam, MockSitting
from lessons.models.exams import GRACE
from lessons.progress.footprints import kept_for_learner
from lessons.sql.footprint import Footprint

# Sittings listed in a learner's history.
HISTORY_LENGTH = 20


def readiness_chart(entry: readiness.Readiness) -> charts.PercentBars:
    rows = []
    for domain in entry.weakest_first:
        if domain.percent is None:
            value = _("not enough answers yet")
        else:
            value = _("%(percent)d%% (%(right)d of %(answered)d)") % {
                "percent": domain.percent,
                "right": domain.right,
                "answered": domain.answered,
            }
        rows.append(
            (f"{domain.domain.name} · {domain.domain.weight}%", domain.percent, value, domain)
        )
    mark = _("pass mark %(mark)d%%") % {"mark": entry.exam.pass_mark}
    return charts.percent_bars(rows, mark=entry.exam.pass_mark, mark_label=mark)


def latest_sittings(user, exam: Exam | None = None) -> list[MockSitting]:
    """The learner's latest sittings, newest first; one whose time ran out while nobody
    was looking is finished here (the open sitting of an exam is its newest)."""
    sittings = MockSitting.objects.filter(user=user).select_related("exam")
    if exam is not None:
        sittings = sittings.filter(exam=exam)
    history = list(sittings[:HISTORY_LENGTH])
    return [
        sitting
        if sitting.is_finished or mock_exams.accepts_answers(sitting)
        else mock_exams.finish(sitting, timed_out=True)
        for sitting in history
    ]


def readiness_summary(user, exam: Exam, footprint: Footprint) -> SafeString:
    """The exam's readiness page summary (estimate, chart, table) for the learner."""

    def render() -> SafeString:
        entry = readiness.for_learner(user, [exam])[0]
        context = {
            "readiness": entry,
            "chart": readiness_chart(entry),
            "min_answered": readiness.MIN_ANSWERED,
            "prefix": "readiness",
        }
        return render_to_string("lessons/exams/_readiness_summary.html", context)

    return kept_for_learner("readiness", user, footprint, footprint.answers, render, exam.pk)


def exam_panels(user, footprint: Footprint) -> tuple[SafeString, bool]:
    """My progress's readiness of every exam, and whether there is any exam."""

    def render() -> tuple[SafeString, bool]:
        exams = [
            {"readiness": entry, "chart": readiness_chart(entry)}
            for entry in readiness.for_learner(user)
        ]
        context = {"exams": exams, "min_answered": readiness.MIN_ANSWERED}
        return render_to_string("lessons/_progress_exams.html", context), bool(exams)

    return kept_for_learner("exam-panels", user, footprint, footprint.answers, render)


def sitting_history(
    user, footprint: Footprint, heading_id: str, exam: Exam | None = None
) -> SafeString:
    """The learner's latest mock exams as a table, kept while it stays true. An open
    sitting's row changes only when it finishes: by the learner (which moves the
    footprint) or by its time running out, which reading the table records; so the
    table is read again from the first moment an open sitting can have run out."""
    sittings: list[MockSitting] = []

    def render() -> SafeString:
        sittings.extend(latest_sittings(user, exam))
        context = {"sittings": sittings, "heading_id": heading_id, "link": True}
        return render_to_string("lessons/exams/_sitting_history.html", context)

    def until() -> datetime | None:
        ends = [s.deadline + GRACE for s in sittings if not s.is_finished]
        return min(ends, default=None)

    mark = "-".join(str(part) for part in (*footprint.sittings, footprint.finished_sittings))
    return kept_for_learner(
        "sittings", user, footprint, mark, render, heading_id, exam.pk if exam else "", until=until
    )
