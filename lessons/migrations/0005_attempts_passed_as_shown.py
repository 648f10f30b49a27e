"""Attempts whose score is shown at the pass mark (rounded half up) have passed: the stored
`passed` of the few below it by less than half a point follows Quiz.passes."""

from django.db import migrations
from django.db.models import F


def pass_as_shown(apps, schema_editor):
    attempt = apps.get_model("lessons", "QuizAttempt")
    # round_half_up(100 * score / max) >= mark  <=>  200 * score >= (2 * mark - 1) * max
    shown_passing = (
        attempt.objects.filter(passed=False, max_score__gt=0)
        .alias(doubled=F("score") * 200, needed=(F("quiz__pass_mark") * 2 - 1) * F("max_score"))
        .filter(doubled__gte=F("needed"))
    )
    attempt.objects.filter(pk__in=shown_passing.values("pk")).update(passed=True)


class Migration(migrations.Migration):
    dependencies = [("lessons", "0004_completion_index_covers_lesson")]

    operations = [migrations.RunPython(pass_as_shown, migrations.RunPython.noop)]
