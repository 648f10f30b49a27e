"""An instructor's view of the group's exam readiness: per domain, and learner × domain.
Same access rule as the dashboard (portal.groups.access)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lessons.exams import readiness
from lessons.kernel import charts
from lessons.kernel.web import HtmxHttpRequest
from lessons.models import Exam
from portal.groups.access import get_group_for_dashboard
from portal.groups.scope import learner_memberships
from portal.scaling.replica import reads_from_replica


@require_GET
@reads_from_replica
def group_readiness(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    group = get_group_for_dashboard(request.user, group_id)
    exams = list(Exam.objects.all())
    wanted = request.GET.get("exam")
    exam = next((e for e in exams if e.slug == wanted), exams[0] if exams else None)
    context = {"group": group, "exams": exams, "exam": exam, "min_answered": readiness.MIN_ANSWERED}
    if exam is not None:
        domains, rows = readiness.for_group(exam, learner_memberships(group))
        bars = []
        for entry in sorted(domains, key=lambda d: (d.average is None, d.average or 0)):
            if entry.average is None:
                value = _("not enough answers yet")
            else:
                value = _("%(percent)d%% (%(measured)d of %(learners)d learners)") % {
                    "percent": entry.average,
                    "measured": len(entry.percents),
                    "learners": entry.learners,
                }
            bars.append((f"{entry.domain.name} · {entry.domain.weight}%", entry.average, value))
        context |= {
            "domains": domains,
            "rows": rows,
            "chart": charts.percent_bars(
                bars,
                mark=exam.pass_mark,
                mark_label=_("pass mark %(mark)d%%") % {"mark": exam.pass_mark},
            ),
        }
    return render(request, "dashboards/readiness.html", context)
