"""The streak counts days in the learner's own time zone: a lesson done at 23:30 in Seoul
counts for that Seoul day, though it is still the day before in UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from lessons.models import Review
from lessons.progress.streak import streak_days
from tests.helpers.groups import complete

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")


def test_it_counts_days_in_a_row_ending_today(alice, lessons):
    complete(alice, lessons[0], at=datetime(2026, 12, 5, 10, tzinfo=SEOUL))
    complete(alice, lessons[1], at=datetime(2026, 12, 6, 10, tzinfo=SEOUL))
    complete(alice, lessons[2], at=datetime(2026, 12, 7, 10, tzinfo=SEOUL))
    assert streak_days(alice, SEOUL, date(2026, 12, 7)) == 3


def test_a_streak_that_reached_yesterday_still_counts_until_the_day_is_over(alice, lessons):
    complete(alice, lessons[0], at=datetime(2026, 12, 6, 10, tzinfo=SEOUL))
    assert streak_days(alice, SEOUL, date(2026, 12, 7)) == 1
    assert streak_days(alice, SEOUL, date(2026, 12, 8)) == 0


def test_it_takes_the_day_in_the_learners_time_zone(alice, lessons):
    # 00:30 on the 6th in Seoul is still the 5th in UTC.
    complete(alice, lessons[0], at=datetime(2026, 12, 6, 0, 30, tzinfo=SEOUL))
    complete(alice, lessons[1], at=datetime(2026, 12, 7, 10, tzinfo=SEOUL))
    assert streak_days(alice, SEOUL, date(2026, 12, 7)) == 2
    assert streak_days(alice, UTC, date(2026, 12, 7)) == 1


def test_a_zone_behind_utc_moves_the_day_the_other_way(alice, lessons):
    # 2026-12-06 15:30 UTC is 10:30 on the 6th in New York and 00:30 on the 7th in Seoul.
    complete(alice, lessons[0], at=datetime(2026, 12, 5, 14, 30, tzinfo=UTC))
    complete(alice, lessons[1], at=datetime(2026, 12, 6, 15, 30, tzinfo=UTC))
    assert streak_days(alice, NEW_YORK, date(2026, 12, 6)) == 2
    assert streak_days(alice, SEOUL, date(2026, 12, 7)) == 1


def test_quizzes_and_reviews_count_too(alice, lessons):
    from tests.helpers.groups import attempt, make_quiz

    quiz = make_quiz(lessons[0])
    attempt(alice, quiz, 1, 2, at=datetime(2026, 12, 6, 9, tzinfo=SEOUL))
    review = Review.objects.create(user=alice, form_token="t")
    Review.objects.filter(pk=review.pk).update(submitted_at=datetime(2026, 12, 7, 9, tzinfo=SEOUL))
    assert streak_days(alice, SEOUL, date(2026, 12, 7)) == 2


def test_the_written_out_statement_finds_the_days_the_orm_finds(alice, lessons):
    from lessons.progress.streak import activity_days, days_active
    from tests.helpers.groups import attempt, make_quiz

    complete(alice, lessons[0], at=datetime(2026, 12, 6, 0, 30, tzinfo=SEOUL))
    complete(alice, lessons[1], at=datetime(2025, 1, 1, 10, tzinfo=SEOUL))  # too long ago
    attempt(alice, make_quiz(lessons[2]), 1, 2, at=datetime(2026, 11, 30, 23, 59, tzinfo=SEOUL))
    review = Review.objects.create(user=alice, form_token="t")
    Review.objects.filter(pk=review.pk).update(submitted_at=datetime(2026, 12, 7, 9, tzinfo=SEOUL))
    today = date(2026, 12, 7)
    for zone in (SEOUL, NEW_YORK, UTC):
        expected = activity_days([alice.pk], {alice.pk: zone}, today, 366)[alice.pk]
        assert days_active(alice.pk, zone, today) == expected
        assert len(expected) == 3
