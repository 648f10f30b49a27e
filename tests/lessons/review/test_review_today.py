"""Today's review page: one due question at a time, scored on the server, with htmx and
without; stale and forged posts; the empty state; the home page's count; query budgets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.kernel.signals import questions_answered
from lessons.models import Lesson, QuizAttempt, ReviewItem
from tests.conftest import make_lesson
from tests.helpers.quiz_fixtures import (
    WRONG,
    answer_fields,
    in_english,
    make_every_kind_quiz,
    make_quiz,
    parse,
    with_token,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/review/today/"
REVIEW_PAGE_QUERIES = 5  # session, user, today's numbers, the next item, its choices
REVIEW_POST_QUERIES = 6  # + the item, its choices, the move (the result needs no next item)


def queue_misses(user, questions, *, due_ago=timedelta(hours=1)) -> None:
    """`user` missed `questions` in a quiz, long enough ago for them to be due."""
    results = [(question.id, False) for question in questions]
    questions_answered.send(sender=QuizAttempt, user=user, results=results)
    ReviewItem.objects.filter(user=user).update(due_at=timezone.now() - due_ago)


@pytest.fixture
def quiz(lessons):
    return make_every_kind_quiz(lessons[0])


@pytest.fixture
def learner(alice, alice_client, quiz) -> Client:
    # Due in the order single, multiple, true/false, short.
    queue_misses(alice, quiz.questions.values())
    for minutes, question in enumerate(quiz.questions.values()):
        ReviewItem.objects.filter(user=alice, question=question).update(
            due_at=timezone.now() - timedelta(hours=2) + timedelta(minutes=minutes)
        )
    return in_english(alice_client)


def card_form(html) -> dict:
    """The hidden fields of the card's form and the question it asks."""
    form = parse(html).find("form", id="review-form")
    hidden = {
        el.attrs["name"]: el.attrs["value"]
        for el in form.find_all("input")
        if el.attrs.get("type") == "hidden"
    }
    question_id = int(form.find("fieldset").attrs["id"].removeprefix("question-"))
    return hidden | {"question": question_id}


def answer_fields_for(client: Client, *, right: bool, html=None, **extra) -> dict:
    """Fill in the card on the page: rightly, or as a learner who got it wrong does."""
    shown = card_form(html if html is not None else client.get(URL).content)
    question = ReviewItem.objects.get(pk=shown["item"]).question
    given = {} if right else {question.kind: WRONG[question.kind]}
    fields = with_token(shown["form_token"], answer_fields([question], given))
    return fields | {"item": shown["item"], "stamp": shown["stamp"]} | extra


def item_of(question) -> ReviewItem:
    return ReviewItem.objects.get(question=question)


def test_it_shows_the_first_due_question_and_where_the_review_stands(learner, quiz):
    response = learner.get(URL)

    page = parse(response.content)
    card = page.find("section", id="review-card")
    assert response.status_code == 200
    assert "1 / 4" in card.find(class_="bar-numbers").text
    assert card.find("fieldset").attrs["id"] == f"question-{quiz.questions['single'].id}"
    assert "Box 1 of 5" in card.text
    assert quiz.lesson.title in card.text
    # Nothing tells the answer before it is given.
    assert quiz.questions["single"].explanation not in response.content.decode()
    assert "Correct answer" not in card.text


def test_it_scores_an_answer_and_swaps_the_card_for_htmx(learner, quiz):
    response = learner.post(URL, answer_fields_for(learner, right=True), **HTMX)

    html = response.content.decode()
    card = parse(html).find("section", id="review-card")
    question = quiz.questions["single"]
    item = item_of(question)
    assert response.status_code == 200
    assert "<html" not in html
    assert "You got it right" in card.text
    assert "Your answer kubectl run Correct answer kubectl run" in card.text
    assert "Up to box 2 of 5: it comes back in 3 days." in card.text
    assert question.explanation in card.text
    section = next(e for e in quiz.lesson.toc if e["id"] == question.section)
    link = card.find("a", href=f"{quiz.lesson.get_absolute_url()}#{question.section}")
    assert link.text == f"Re-read §{section['name']}"
    assert card.find("a", href=URL).text == "Next question"
    assert "1 / 4" in card.find(class_="bar-numbers").text
    assert response["HX-Push-Url"] == f"{URL}?answered={item.pk}"
    assert (item.box, item.last_review_correct, item.times_reviewed) == (2, True, 1)


def test_it_redirects_a_plain_post_to_the_result_then_the_next_question(learner, quiz):
    response = learner.post(URL, answer_fields_for(learner, right=False))

    item = item_of(quiz.questions["single"])
    chosen = quiz.questions["single"].choices.get(text=WRONG["single"][0])
    assert response.status_code == 302
    assert response.url == f"{URL}?answered={item.pk}&chose={chosen.pk}"
    result = parse(learner.get(response.url).content).find("section", id="review-card")
    assert "Not quite" in result.text
    assert "Your answer kubectl make" in result.text
    assert "Back to box 1: it comes back tomorrow." in result.text
    assert "Correct answer kubectl run" in result.text
    assert item.box == 1 and item.due_at > timezone.now()

    following = parse(learner.get(URL).content).find("section", id="review-card")
    assert "2 / 4" in following.find(class_="bar-numbers").text
    assert following.find("fieldset").attrs["id"] == f"question-{quiz.questions['multiple'].id}"


def test_it_finishes_with_an_empty_state_that_says_when_the_next_is_due(learner, quiz):
    for _question in quiz.questions.values():
        learner.post(URL, answer_fields_for(learner, right=True))

    card = parse(learner.get(URL).content).find("section", id="review-card")

    assert "All done for now" in card.text
    assert "You reviewed 4 questions today." in card.text
    assert "The next question is due" in card.text
    assert not card.find_all("form")
    assert set(ReviewItem.objects.values_list("box", flat=True)) == {2}


def test_it_says_so_when_nothing_was_ever_missed(alice_client):
    response = in_english(alice_client).get(URL)

    card = parse(response.content).find("section", id="review-card")
    assert "All done for now" in card.text
    assert "questions you miss in a quiz come here the next day" in card.text


def test_it_speaks_korean_by_default(alice_client, alice, quiz):
    queue_misses(alice, quiz.questions.values())
    html = alice_client.get(URL).content.decode()
    assert "오늘의 복습" in html
    assert "답 확인" in html
    assert "상자 1/5" in html
    ReviewItem.objects.all().delete()
    assert "모두 끝났어요" in alice_client.get(URL).content.decode()


def test_it_moves_the_box_once_when_the_same_answer_is_sent_twice(learner, quiz):
    fields = answer_fields_for(learner, right=True)

    first = learner.post(URL, fields)
    again = learner.post(URL, fields, follow=True)

    item = item_of(quiz.questions["single"])
    assert first.status_code == 302
    assert (item.box, item.times_reviewed) == (2, 1)
    assert again.status_code == 200
    assert "already counted" in again.content.decode()
    assert again.redirect_chain == [(URL, 302)]


def test_it_tells_htmx_a_stale_answer_was_not_counted(learner, quiz):
    fields = answer_fields_for(learner, right=False)
    learner.post(URL, fields, **HTMX)

    response = learner.post(URL, fields, **HTMX)

    card = parse(response.content).find("section", id="review-card")
    assert response.status_code == 200
    assert "already counted" in card.find(class_="callout").text
    assert item_of(quiz.questions["single"]).times_reviewed == 1


def test_it_refuses_an_answer_from_an_out_of_date_card(learner, quiz):
    fields = answer_fields_for(learner, right=True)
    ReviewItem.objects.filter(question=quiz.questions["single"]).update(box=3)

    response = learner.post(URL, fields, follow=True)

    assert "already counted" in response.content.decode()
    assert item_of(quiz.questions["single"]).box == 3


def snapshot():
    return list(ReviewItem.objects.order_by("pk").values())


def test_it_answers_404_for_another_learners_item_and_changes_nothing(learner, bob, quiz):
    queue_misses(bob, [quiz.questions["single"]])
    bobs = ReviewItem.objects.get(user=bob)
    fields = answer_fields_for(learner, right=True) | {"item": bobs.pk, "stamp": bobs.stamp}
    before = snapshot()

    assert learner.post(URL, fields).status_code == 404
    assert learner.post(URL, fields, **HTMX).status_code == 404
    assert learner.get(f"{URL}?answered={bobs.pk}").status_code == 404
    assert snapshot() == before


def test_it_refuses_a_question_that_is_not_due_and_changes_nothing(learner, quiz):
    fields = answer_fields_for(learner, right=True)
    later = timezone.now() + timedelta(days=2)
    ReviewItem.objects.filter(pk=fields["item"]).update(due_at=later)
    fields["stamp"] = ReviewItem.objects.get(pk=fields["item"]).stamp
    before = snapshot()

    response = learner.post(URL, fields)

    assert response.status_code == 400
    assert snapshot() == before


def test_it_answers_404_for_a_question_of_a_lesson_back_in_draft(learner, quiz):
    fields = answer_fields_for(learner, right=True)
    Lesson.objects.filter(pk=quiz.lesson.pk).update(status=Lesson.Status.DRAFT)
    before = snapshot()

    assert learner.post(URL, fields).status_code == 404
    card = parse(learner.get(URL).content).find("section", id="review-card")
    assert "All done for now" in card.text
    assert snapshot() == before


@pytest.mark.parametrize("item", ["", "abc", "1" * 30, "-1"])
def test_it_refuses_a_malformed_item(learner, item):
    fields = answer_fields_for(learner, right=True) | {"item": item}
    before = snapshot()
    assert learner.post(URL, fields).status_code == 400
    assert snapshot() == before


def test_it_asks_for_an_answer_and_keeps_the_card(learner, quiz):
    fields = answer_fields_for(learner, right=True)
    question = quiz.questions["single"]
    del fields[f"q{question.id}"]
    before = snapshot()

    response = learner.post(URL, fields, **HTMX)

    assert response.status_code == 422
    assert response["HX-Retarget"] == "#review-card"
    card = parse(response.content).find("section", id="review-card")
    assert "Choose or type an answer first." in card.find(class_="error-summary").text
    assert card.find("fieldset").attrs["id"] == f"question-{question.id}"
    assert snapshot() == before


@pytest.mark.parametrize("forgery", ["other-choice", "unknown-token", "other-question"])
def test_it_refuses_forged_answers_and_changes_nothing(learner, quiz, forgery):
    fields = answer_fields_for(learner, right=True)
    single, multiple = quiz.questions["single"], quiz.questions["multiple"]
    other_choice = str(multiple.choices.first().pk)
    if forgery == "other-choice":
        fields[f"q{single.id}"] = with_token(fields["form_token"], {"x": [other_choice]})["x"]
    elif forgery == "unknown-token":
        fields[f"q{single.id}"] = ["0123456789abcdef0123"]
    else:
        fields[f"q{multiple.id}"] = [other_choice]
    before = snapshot()

    response = learner.post(URL, fields)

    assert response.status_code == 422
    assert parse(response.content).find(class_="error-summary")
    assert snapshot() == before


def test_it_scores_a_choice_posted_by_id_as_wrong_input_not_a_right_answer(learner, quiz):
    """Choices post opaque tokens; the id of the right choice is not an answer."""
    fields = answer_fields_for(learner, right=True)
    single = quiz.questions["single"]
    fields[f"q{single.id}"] = [str(single.choices.get(is_correct=True).pk)]

    assert learner.post(URL, fields).status_code == 422
    assert item_of(single).box == 1


def test_it_shows_the_question_again_for_an_answered_link_once_it_is_due(learner, quiz):
    response = learner.post(URL, answer_fields_for(learner, right=False))
    ReviewItem.objects.update(due_at=timezone.now() - timedelta(minutes=1))

    card = parse(learner.get(response.url).content).find("section", id="review-card")

    assert card.find_all("form")
    assert "Correct answer" not in card.text


@pytest.mark.parametrize("answered", ["abc", "9" * 30, "0"])
def test_it_answers_404_for_a_bad_answered_link(learner, answered):
    assert learner.get(f"{URL}?answered={answered}").status_code == 404


def test_it_sends_a_visitor_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_it_refuses_a_post_without_the_csrf_token(alice, quiz):
    queue_misses(alice, quiz.questions.values())
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    fields = answer_fields_for(client, right=True)

    assert client.post(URL, fields).status_code == 403
    assert set(ReviewItem.objects.values_list("box", flat=True)) == {1}


def test_it_links_to_the_review_from_the_navigation(learner):
    nav = parse(learner.get(reverse("lessons:home")).content).find("nav", id="site-menu")
    assert nav.find("a", href=URL).text == "Today's review"


def test_it_tells_the_home_page_how_many_are_due(learner, alice, quiz):
    home = parse(learner.get(reverse("lessons:home")).content)

    callout = home.find("section", class_="review-due")
    assert "4 questions to review" in callout.text
    assert callout.find("a", href=URL)


def test_it_offers_to_review_ahead_on_the_home_page_when_nothing_is_due(alice_client, alice, quiz):
    queue_misses(alice, quiz.questions.values(), due_ago=-timedelta(days=1))
    home = parse(in_english(alice_client).get(reverse("lessons:home")).content)

    [card] = home.find_all(class_="review-due")
    assert "Nothing due today" in card.text
    assert "4 questions wait for their day" in card.text
    assert card.find("a", href=f"{URL}?ahead=1").text == "Review ahead"


def test_it_says_nothing_on_the_home_page_when_no_question_waits(alice_client, alice, quiz):
    queue_misses(alice, quiz.questions.values())
    ReviewItem.objects.update(retired_at=timezone.now())
    home = parse(alice_client.get(reverse("lessons:home")).content)
    assert not home.find_all(class_="review-due")


def test_it_shows_one_review_entry_on_home_after_the_last_lesson(learner, alice, lessons):
    from lessons.models import Completion

    for lesson in Lesson.objects.published():
        Completion.objects.create(user=alice, lesson=lesson)
    html = learner.get(reverse("lessons:home")).content.decode()
    home = parse(html)

    assert "You have finished every lesson." in home.text
    assert len(home.find("main").find_all("a", href=URL)) == 1  # the one card
    assert len(home.find_all(class_="review-due")) == 1
    assert f'href="{reverse("lessons:review")}"' not in html


def not_due(alice, quiz) -> list[ReviewItem]:
    """alice's items, none due: due in 1, 2, 3 and 4 days, in box 2."""
    queue_misses(alice, quiz.questions.values())
    for days, question in enumerate(quiz.questions.values(), start=1):
        ReviewItem.objects.filter(user=alice, question=question).update(
            box=2, due_at=timezone.now() + timedelta(days=days)
        )
    return list(ReviewItem.objects.filter(user=alice).order_by("due_at"))


def test_it_offers_to_review_ahead_when_nothing_is_due(alice_client, alice, quiz):
    not_due(alice, quiz)
    client = in_english(alice_client)

    card = parse(client.get(URL).content).find("section", id="review-card")
    assert "All done for now" in card.text
    assert card.find("a", href=f"{URL}?ahead=1").text == "Review ahead"
    assert not card.find_all("form")


def test_it_reviews_ahead_soonest_first_and_a_right_answer_keeps_the_day(
    alice_client, alice, quiz, django_assert_max_num_queries
):
    first, second, *_ = not_due(alice, quiz)
    client = in_english(alice_client)
    with django_assert_max_num_queries(REVIEW_PAGE_QUERIES + 1):  # + the item ahead
        html = client.get(f"{URL}?ahead=1").content
    shown = card_form(html)
    assert shown["item"] == str(first.pk) and shown["ahead"] == "1"
    assert "Review ahead" in parse(html).find("section", id="review-card").text

    fields = answer_fields_for(client, right=True, html=html, ahead="1")
    with django_assert_max_num_queries(REVIEW_POST_QUERIES):
        response = client.post(URL, fields, **HTMX)
    card = parse(response.content).find("section", id="review-card")
    assert "Reviewed ahead: it still comes back on" in card.text
    moved = ReviewItem.objects.get(pk=first.pk)
    assert (moved.box, moved.due_at) == (first.box, first.due_at)
    assert moved.times_reviewed == 1 and moved.last_review_correct is True
    # Answered today: the next one ahead comes up, not the same again.
    assert card_form(client.get(f"{URL}?ahead=1").content)["item"] == str(second.pk)


def test_a_wrong_answer_ahead_is_a_miss_and_comes_back_tomorrow(alice_client, alice, quiz):
    first, *_ = not_due(alice, quiz)
    client = in_english(alice_client)
    html = client.get(f"{URL}?ahead=1").content

    response = client.post(URL, answer_fields_for(client, right=False, html=html, ahead="1"))

    assert response.status_code == 302
    assert response.url.startswith(f"{URL}?answered={first.pk}&ahead=1&")
    moved = ReviewItem.objects.get(pk=first.pk)
    assert moved.box == 1 and moved.due_at < first.due_at
    assert "Back to box 1" in parse(client.get(response.url).content).text


def test_it_counts_an_answer_ahead_once_and_refuses_it_again_the_same_day(
    alice_client, alice, quiz
):
    first, *_ = not_due(alice, quiz)
    client = in_english(alice_client)
    html = client.get(f"{URL}?ahead=1").content
    fields = answer_fields_for(client, right=True, html=html, ahead="1")

    client.post(URL, fields)
    again = client.post(URL, fields | {"form_token": fields["form_token"] + "x"})

    assert again.status_code in (302, 400)
    assert ReviewItem.objects.get(pk=first.pk).times_reviewed == 1
    without_ahead = {k: v for k, v in fields.items() if k != "ahead"}
    assert client.post(URL, without_ahead).status_code == 400


def test_it_leaves_drafts_out_of_the_home_count(learner, alice, basic):
    _quiz, drafted = make_quiz(make_lesson(basic, "Drafted", status=Lesson.Status.DRAFT), 3)
    queue_misses(alice, drafted)

    callout = parse(learner.get(reverse("lessons:home")).content).find(class_="review-due")

    assert "4 questions to review" in callout.text


@pytest.fixture(params=[3, 120], ids=["short-queue", "long-queue"])
def long_history(request, alice, bob, basic) -> int:
    """`request.param` due items for alice, as many retired ones, and bob's queue too."""
    _quiz, many = make_quiz(make_lesson(basic, "Many"), request.param * 2)
    queue_misses(alice, many)
    queue_misses(bob, many)
    ReviewItem.objects.filter(user=alice, question__in=many[request.param :]).update(
        retired_at=timezone.now(), last_reviewed_at=timezone.now()
    )
    return request.param


def test_it_shows_the_review_page_within_budget_whatever_the_queue(
    alice_client, long_history, django_assert_max_num_queries
):
    with django_assert_max_num_queries(REVIEW_PAGE_QUERIES):
        response = alice_client.get(URL)
    assert f"/ {long_history * 2}" in parse(response.content).find(class_="bar-numbers").text


def test_it_scores_a_review_answer_within_budget_whatever_the_queue(
    alice_client, long_history, django_assert_max_num_queries
):
    fields = answer_fields_for(alice_client, right=True)

    with django_assert_max_num_queries(REVIEW_POST_QUERIES):
        response = alice_client.post(URL, fields, **HTMX)

    assert response.status_code == 200


def test_it_counts_the_home_page_review_in_one_query_whatever_the_queue(
    alice_client, alice, basic, django_assert_max_num_queries
):
    client = in_english(alice_client)
    _quiz, many = make_quiz(make_lesson(basic, "Many"), 150)
    client.get(reverse("lessons:home"))  # the session's first write is not the page's
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("lessons:home"))
    queue_misses(alice, many)

    with django_assert_max_num_queries(len(empty)):
        response = client.get(reverse("lessons:home"))
    assert "150 questions to review" in response.content.decode()


def test_it_shows_only_this_questions_own_choices_from_an_answered_link(learner, quiz):
    """The answer shown after a plain post rides in the address: a choice of another
    question, or no number at all, shows nothing."""
    learner.post(URL, answer_fields_for(learner, right=False))
    item = item_of(quiz.questions["single"])
    other = quiz.questions["multiple"].choices.first()

    page = learner.get(f"{URL}?answered={item.pk}&chose={other.pk}&chose=x")

    card = parse(page.content).find("section", id="review-card")
    assert "Your answer" not in card.text
    assert "Correct answer kubectl run" in card.text


def test_it_shows_a_typed_answer_after_a_plain_post(learner, quiz):
    for _ in range(3):
        learner.post(URL, answer_fields_for(learner, right=True))
    response = learner.post(URL, answer_fields_for(learner, right=False))

    assert "said=kube-dns" in response.url
    card = parse(learner.get(response.url).content).find("section", id="review-card")
    assert "Your answer kube-dns Correct answer CoreDNS" in card.text
