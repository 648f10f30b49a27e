"""A learner's attempts at a quiz: the quiz page's short list (best score, the newest ten,
a link to the rest) and the page of every attempt."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from lessons.models import QuizAttempt
from lessons.quizzes import history
from lessons.sql.attempts import newest_attempts
from tests.helpers.quiz_fixtures import form_token, in_english, parse
from tests.helpers.quiz_fixtures import with_token as with_form_token

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Fifteen scores out of 4, oldest first: the best (4 / 4) is the second, outside the newest ten.
SCORES = [1, 4, 2, 3, 0, 1, 2, 3, 3, 2, 1, 0, 2, 3, 1]


def take(client, url: str, fields: dict, **headers):
    return client.post(url, with_form_token(form_token(client.get(url).content), fields), **headers)


def add_attempts(user, quiz, scores=SCORES) -> list[int]:
    """The learner's attempts with these scores out of 4, oldest first; their ids."""
    return [
        QuizAttempt.objects.create(
            user=user,
            quiz=quiz.quiz,
            score=score,
            max_score=4,
            passed=score >= 3,
            form_token=f"{user.pk}-{number}",
        ).pk
        for number, score in enumerate(scores)
    ]


def attempts_list(response):
    found = parse(response.content).find_all("section", class_="attempts")
    return found[0] if found else None


def rows(section) -> list[str]:
    return [item.text.split("— ")[1] for item in section.find("ol").find_all("li")]


def linked_ids(section) -> list[int]:
    return [
        int(a.attrs["href"].rstrip("/").rsplit("/", 1)[1]) for a in section.find("ol").find_all("a")
    ]


def shown(scores) -> list[str]:
    return [f"{s} / 4 ({s * 25}%) {'passed' if s >= 3 else 'not passed'}" for s in scores]


@pytest.fixture
def all_url(quiz) -> str:
    return reverse("lessons:quiz_attempts", args=[quiz.lesson.slug])


def test_the_quiz_page_shows_the_best_and_the_newest_ten_and_links_to_all(
    learner, alice, url, all_url, quiz
):
    ids = add_attempts(alice, quiz)

    section = attempts_list(learner.get(url))

    assert section.find("p").text == "Best score: 4 / 4 (100%)"
    assert rows(section) == shown(SCORES[::-1][:10])
    assert linked_ids(section) == ids[::-1][:10]
    # Numbered as before: the newest is the 15th attempt, not the 10th line.
    assert section.find("ol").attrs["start"] == "15"
    link = section.find_all("a")[-1]
    assert link.attrs["href"] == all_url
    assert link.text == "See all attempts (15)"


def test_ten_attempts_or_fewer_need_no_link(learner, alice, url, all_url, quiz):
    add_attempts(alice, quiz, SCORES[:10])

    section = attempts_list(learner.get(url))

    assert len(rows(section)) == 10
    assert section.find("ol").attrs["start"] == "10"
    assert all_url not in [a.attrs["href"] for a in section.find_all("a")]


def test_the_link_reads_in_korean(alice_client, alice, url, quiz):
    add_attempts(alice, quiz)
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"

    section = attempts_list(alice_client.get(url))

    assert section.find_all("a")[-1].text == "모든 응시 기록 보기 (15개)"


def test_the_attempts_page_lists_every_attempt_over_pages(
    learner, alice, all_url, quiz, monkeypatch
):
    monkeypatch.setattr(history, "PER_PAGE", 10)
    ids = add_attempts(alice, quiz)

    first = learner.get(all_url)
    second = learner.get(all_url + "?page=2")

    assert first.status_code == second.status_code == 200
    assert "15 attempts" in parse(first.content).find("p", id="attempts-count").text
    one, two = attempts_list(first), attempts_list(second)
    assert rows(one) + rows(two) == shown(SCORES[::-1])
    assert linked_ids(one) + linked_ids(two) == ids[::-1]
    assert [one.find("ol").attrs["start"], two.find("ol").attrs["start"]] == ["15", "5"]
    pager = parse(first.content).find("nav", class_="pagination")
    assert [a.attrs["href"] for a in pager.find_all("a")] == ["?page=2"]
    assert "Page 1 of 2" in pager.text


def test_the_attempts_page_holds_fifty_a_page(learner, alice, all_url, quiz):
    add_attempts(alice, quiz, [2] * 51)

    assert len(rows(attempts_list(learner.get(all_url)))) == 50
    assert len(rows(attempts_list(learner.get(all_url + "?page=2")))) == 1


def test_an_htmx_submit_updates_the_short_list_and_the_count(learner, alice, url, all_url, quiz):
    ids = add_attempts(alice, quiz)

    result = take(learner, url, quiz.answers(), **HTMX)

    box = parse(result.content).find("div", id="attempt-history")
    assert box.attrs["hx-swap-oob"] == "true"
    section = box.find("section", class_="attempts")
    newest = QuizAttempt.objects.latest("id").pk
    assert linked_ids(section) == [newest, *ids[::-1][:9]]
    assert rows(section) == shown([4, *SCORES[::-1][:9]])
    assert section.find("ol").attrs["start"] == "16"
    assert section.find_all("a")[-1].text == "See all attempts (16)"


def test_a_visitor_is_sent_to_log_in(client, all_url, alice, quiz):
    add_attempts(alice, quiz)

    response = client.get(all_url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "See all" not in Client().get(reverse("lessons:quiz", args=[quiz.lesson.slug])).text


def test_another_learners_attempts_never_show(learner, alice, bob, url, all_url, quiz):
    theirs = add_attempts(bob, quiz)

    assert attempts_list(learner.get(url)) is None
    page = learner.get(all_url)
    assert page.status_code == 200
    assert attempts_list(page) is None
    assert "You have not taken this quiz yet." in parse(page.content).text

    mine = add_attempts(alice, quiz, [3, 2])
    section = attempts_list(learner.get(all_url))
    assert linked_ids(section) == mine[::-1]
    assert not set(linked_ids(section)) & set(theirs)
    assert attempts_list(learner.get(url)).find_all("a")[-1].attrs["href"] != all_url


def test_the_attempts_page_of_a_draft_or_quizless_lesson_is_not_found(learner, quiz, lessons):
    from lessons.models import Lesson

    draft = Lesson.objects.get(status=Lesson.Status.DRAFT)
    for lesson in (draft, lessons[1]):
        assert learner.get(reverse("lessons:quiz_attempts", args=[lesson.slug])).status_code == 404


def test_the_attempts_page_within_budget(
    learner, alice, all_url, quiz, django_assert_max_num_queries
):
    add_attempts(alice, quiz, [2] * 120)
    learner.get(all_url)

    # Session, user, the lesson with its quiz, the count and the page's rows.
    with django_assert_max_num_queries(5):
        response = learner.get(all_url + "?page=2")

    assert len(rows(attempts_list(response))) == 50


def test_an_attempt_added_elsewhere_shows_on_the_next_visit(learner, alice, url, quiz):
    take(learner, url, quiz.answers())
    learner.get(url)
    QuizAttempt.objects.create(
        user=alice, quiz=quiz.quiz, score=1, max_score=4, passed=False, form_token="other"
    )

    assert rows(attempts_list(learner.get(url))) == [
        "1 / 4 (25%) not passed",
        "4 / 4 (100%) passed",
    ]


def test_each_learner_and_each_language_has_their_own_list(learner, bob, url, quiz):
    take(learner, url, quiz.answers())
    learner.get(url)

    other = in_english(Client())
    other.force_login(bob)
    assert b"attempts-heading" not in other.get(url).content
    learner.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    in_korean = attempts_list(learner.get(url))
    assert "통과" in in_korean.text and "passed" not in in_korean.text


def test_the_best_is_the_highest_percent_then_score(learner, alice, url, quiz):
    """Percent rounded half up first (5 of 8 is 63%, above 5 of 9's 56% and 1 of 2's 50%),
    then the score (2 of 4 beats 1 of 2), as the list has always chosen."""
    for score, max_score in [(5, 9), (5, 8), (0, 0), (1, 2), (3, 5)]:
        QuizAttempt.objects.create(
            user=alice,
            quiz=quiz.quiz,
            score=score,
            max_score=max_score,
            passed=False,
            form_token=f"t{score}{max_score}",
        )

    assert attempts_list(learner.get(url)).find("p").text == "Best score: 5 / 8 (63%)"
    QuizAttempt.objects.filter(score=5).delete()
    QuizAttempt.objects.filter(score=3).delete()
    QuizAttempt.objects.create(
        user=alice, quiz=quiz.quiz, score=2, max_score=4, passed=False, form_token="t24"
    )
    QuizAttempt.objects.create(
        user=alice, quiz=quiz.quiz, score=1, max_score=2, passed=False, form_token="t12b"
    )

    assert attempts_list(learner.get(url)).find("p").text == "Best score: 2 / 4 (50%)"


def lines_rendered(response) -> int:
    """How many attempts the list's line template rendered for this response."""
    return sum(
        len(context.get("attempts", []))
        for template, context in zip(response.templates, response.context, strict=True)
        if template.name == history.ITEMS
    )


def test_each_line_is_rendered_once(learner, alice, url, quiz):
    add_attempts(alice, quiz)
    first = learner.get(url)
    again = learner.get(url)

    assert lines_rendered(first) == 10
    assert lines_rendered(again) == 0
    assert rows(attempts_list(again)) == rows(attempts_list(first))

    result = take(learner, url, quiz.wrong("single"), **HTMX)

    assert lines_rendered(result) == 1  # the new attempt's; the other nine were kept
    assert rows(attempts_list(result)) == shown([3, *SCORES[::-1][:9]])
    assert lines_rendered(learner.get(url)) == 0


def test_the_statement_agrees_with_the_orm(alice, bob, quiz):
    """The newest rows, the count and the best as the ORM and QuizAttempt.percent have
    them, on both databases, among scores that round alike."""
    pairs = [(1, 3), (2, 6), (1, 8), (5, 8), (2, 3), (0, 0), (13, 20), (2, 3), (1, 2), (5, 8)]
    for number, (score, max_score) in enumerate(pairs * 2):
        QuizAttempt.objects.create(
            user=alice if number % 3 else bob,
            quiz=quiz.quiz,
            score=score,
            max_score=max_score,
            passed=False,
            form_token=f"s{number}",
        )
    for user in (alice, bob):
        newest = newest_attempts(user.pk, quiz.quiz.pk, 10)
        attempts = list(QuizAttempt.objects.filter(user=user).order_by("-submitted_at", "-id"))
        best = max(attempts, key=lambda a: (a.percent, a.score))  # the newest of equals
        assert [a.id for a in newest.attempts] == [a.id for a in attempts[:10]]
        assert newest.total == len(attempts)
        assert (newest.best_score, newest.best_max_score) == (best.score, best.max_score)


def test_the_attempts_page_waits_while_an_open_mock_exam_holds_the_quiz(
    learner, alice, all_url, quiz
):
    from datetime import timedelta

    from django.utils import timezone

    from lessons.models import Exam, MockSitting

    add_attempts(alice, quiz, [3])
    exam = Exam.objects.create(name="CKA", slug="cka-exam", duration_minutes=30, pass_mark=66,
                               questions_per_sitting=1)  # fmt: skip
    now = timezone.now()
    sitting = MockSitting.objects.create(
        user=alice, exam=exam, started_at=now, deadline=now + timedelta(minutes=30), max_score=1
    )
    sitting.questions.create(question=quiz.questions["single"], position=1)

    page = learner.get(all_url)

    assert "Your mock exam of CKA is open" in page.text
    assert attempts_list(page) is None
    sitting.finished_at = now
    sitting.save()
    assert len(rows(attempts_list(learner.get(all_url)))) == 1
