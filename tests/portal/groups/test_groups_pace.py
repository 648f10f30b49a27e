"""A group's pace: due dates per lesson and how many lessons are due by a day."""

from datetime import date
from types import SimpleNamespace

from portal.groups.pace import due_dates, expected_done
from portal.models import StudyGroup


def _lessons(*targets):
    return [SimpleNamespace(id=n, target=target) for n, target in enumerate(targets, start=1)]


def test_it_has_no_due_dates_without_a_pace():
    assert due_dates(StudyGroup(pace="none"), _lessons(None, None)) == {}


def test_it_spreads_a_weekly_pace_over_weeks_ending_six_days_after_the_start():
    group = StudyGroup(pace="weekly", pace_start=date(2026, 11, 2), lessons_per_week=2)
    assert due_dates(group, _lessons(None, None, None, None, None)) == {
        1: date(2026, 11, 8),
        2: date(2026, 11, 8),
        3: date(2026, 11, 15),
        4: date(2026, 11, 15),
        5: date(2026, 11, 22),
    }


def test_it_takes_each_lesson_own_date_in_the_dates_pace():
    group = StudyGroup(pace="dates")
    assert due_dates(group, _lessons(date(2026, 12, 1), None)) == {1: date(2026, 12, 1)}


def test_it_counts_a_lesson_due_once_its_day_has_passed():
    due = [date(2026, 11, 8), date(2026, 11, 8), date(2026, 11, 15)]
    assert expected_done(due, date(2026, 11, 8)) == 0
    assert expected_done(due, date(2026, 11, 9)) == 2
    assert expected_done(due, date(2026, 11, 16)) == 3


def test_it_gives_the_last_day_when_a_weekly_pace_runs_past_the_calendar():
    group = StudyGroup(pace="weekly", pace_start=date(9999, 12, 31), lessons_per_week=1)
    assert due_dates(group, _lessons(None, None)) == {1: date.max, 2: date.max}
