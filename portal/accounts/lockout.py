"""Login lock-outs: one username from one address after a few failures, and a whole
address only after many more.

django-axes locks on the username-and-address pair (AXES_LOCKOUT_PARAMETERS), so a
stranger's guesses never lock a learner out of their own account, and learners behind
one load balancer or school network do not share one counter. axes has a single limit
for every rule, so the much higher per-address limit is added here.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(ip_address: str | None, since) -> int:
    """Failed logins from `ip_address` since `since`, whatever the usernames."""
    if not ip_address:
        return 0
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class PairAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        since = get_cool_off_threshold(request)
        if address_failures(request.axes_ip_address, since) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # Counts as having reached the pair limit: axes then locks the request out.
            return max(failures, get_failure_limit(request, credentials))
        return failures
