"""The CSV export: exactly the table on screen, UTF-8 with a BOM for Excel, and no cell
that a spreadsheet would run as a formula."""

import csv
import io

import pytest
from django.urls import reverse

from portal.dashboards.export import neutralize
from portal.models import User
from tests.conftest import make_lesson, make_user
from tests.helpers.groups import attempt, logged_in, make_group, make_quiz

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _download(hand_made, query: str = ""):
    url = reverse("groups:dashboard_csv", args=[hand_made.group.pk]) + query
    return logged_in(hand_made.teacher).get(url)


def _body(response) -> bytes:
    assert response.streaming  # written as it is read, never held whole
    return b"".join(response.streaming_content)


def _table(response) -> list[list[str]]:
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_it_is_utf8_with_a_bom_as_a_named_attachment(hand_made):
    response = _download(hand_made)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = _body(response)
    assert body.startswith(b"\xef\xbb\xbf")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition  # the Korean group name, encoded
    assert "앨리스".encode() in body


def test_it_holds_the_table_on_screen(hand_made):
    table = _table(_download(hand_made))
    assert table[0][:7] == [
        "Learner", "Username", "Lessons done", "Done (%)", "Average best score (%)",
        "Last active", "Needs attention",
    ]  # fmt: skip
    assert table[0][7:9] == ["Pods: done", "Pods: best score (%)"]
    assert len(table[0]) == 7 + 2 * 4
    rows = {row[1]: row for row in table[1:4]}
    assert [row[1] for row in table[1:4]] == ["charlie", "bob", "alice"]  # sorted by name
    assert rows["alice"][:5] == ["앨리스", "alice", "4", "100", "75"]
    assert rows["alice"][7:] == ["1", "100", "1", "75", "1", "", "1", "50"]
    assert rows["bob"][:5] == ["밥", "bob", "1", "25", "50"]
    assert rows["bob"][6] == (
        "Behind the pace: 1 of 2 due lessons done; Inactive for 10 days; "
        "Below the pass mark: Pods, Services"
    )
    assert rows["bob"][7:] == ["1", "50", "0", "50", "0", "", "0", ""]
    assert rows["charlie"][4:6] == ["", ""]
    assert table[4][0] == "Completion rate (%)"
    assert table[4][7:] == ["67", "", "33", "", "33", "", "33", ""]
    assert table[5][0] == "Average best score (%)"
    assert table[5][7:] == ["", "75", "", "63", "", "", "", "50"]
    assert len(table) == 6


def test_it_follows_the_same_filter_as_the_screen(hand_made, basic):
    table = _table(_download(hand_made, f"?category={basic.pk}&sort=-progress&attention=1"))
    assert [row[1] for row in table[1:-2]] == ["bob", "charlie"]
    assert len(table[0]) == 7 + 2 * 3
    assert "Architecture: done" not in table[0]
    assert table[1][3] == "33"  # bob: 1 of the 3 Basic lessons


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("앨리스", "앨리스"),
        ("a=b", "a=b"),
        (42, 42),
    ],
)
def test_it_neutralises_formulas(value, safe):
    assert neutralize(value) == safe


def test_it_neutralises_names_and_titles_in_the_file(hand_made):
    User.objects.filter(pk=hand_made.alice.pk).update(display_name='=cmd|" /C calc"!A0')
    lesson = hand_made.lessons[0]
    lesson.title = "@SUM(1+1)"
    lesson.save()
    table = _table(_download(hand_made))
    assert table[0][7] == "'@SUM(1+1): done"
    alice = next(row for row in table if row[1] == "alice")
    assert alice[0] == '\'=cmd|" /C calc"!A0'


def test_it_writes_the_attention_note_in_full(teacher_of_five_failed_quizzes):
    group, teacher = teacher_of_five_failed_quizzes
    url = reverse("groups:dashboard_csv", args=[group.pk])
    table = _table(logged_in(teacher).get(url))
    note = table[1][6]
    assert "Below the pass mark: L1, L2, L3, L4, L5" in note
    assert "more" not in note
    # The dashboard's cell stays short.
    html = logged_in(teacher).get(reverse("groups:dashboard", args=[group.pk])).content.decode()
    assert "Below the pass mark: L1, L2, L3 and 2 more" in html


@pytest.fixture
def teacher_of_five_failed_quizzes(alice, basic):
    teacher = make_user("teacher")
    group = make_group(instructors=(teacher,), learners=(alice,), categories=(basic,))
    for n in range(1, 6):
        quiz = make_quiz(make_lesson(basic, f"L{n}", n), questions=2)
        attempt(alice, quiz, 0, 2)
    return group, teacher
