"""Asking from a section heading: beside each h2/h3 of the lesson's text a member sees
"질문하기" with how many questions their groups asked about that section, leading to the
form set to that section with those questions; nobody else sees it."""

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.helpers.discussion_fixtures import ask, client_for

pytestmark = pytest.mark.django_db

ASK_MANIFEST = "/groups/questions/ask/pods/?section=%EB%A7%A4%EB%8B%88%ED%8E%98%EC%8A%A4%ED%8A%B8"


def lesson_page(client, room) -> str:
    return client.get(room.lesson.get_absolute_url()).content.decode()


def test_a_member_sees_ask_and_the_groups_count_beside_each_heading(room):
    for n in range(3):
        ask(room, room.bob, title=f"매니페스트 질문 {n}", section="매니페스트")
    ask(room, room.alice, title="전체 질문")
    ask(room, room.charlie, title="다른 그룹 질문", section="매니페스트", group=room.other)
    page = lesson_page(client_for(room.alice), room)
    heading = page.index('<h3 id="매니페스트">매니페스트</h3>')
    beside = page[heading : page.index("</div>", heading)]
    assert f'<a class="section-action" href="{ASK_MANIFEST}">질문하기' in beside
    assert '<span class="chip info">질문 3</span>' in beside
    assert page.count('class="section-action"') == 3  # 파드 만들기, 매니페스트, 파드 지우기
    # A section nobody asked about: the link without a count.
    first = page.index('<h2 id="파드-만들기">')
    assert "chip" not in page[first : page.index("</div>", first)]
    # The other group's member counts their own group's question only.
    other = lesson_page(client_for(room.charlie), room)
    beside = other[other.index('<h3 id="매니페스트">') :]
    assert '<span class="chip info">질문 1</span>' in beside[: beside.index("</div>")]


def test_a_visitor_or_someone_in_no_group_sees_no_link(room, client, editor):
    ask(room, room.bob, section="매니페스트")
    for reader in (client, client_for(make_user("dave")), client_for(editor)):
        page = lesson_page(reader, room)
        assert '<h3 id="매니페스트">매니페스트</h3>' in page
        assert "section-action" not in page and "질문하기" not in page


def test_the_link_leads_to_the_form_set_to_the_section_with_its_questions(room):
    ask(room, room.bob, title="매니페스트 질문", section="매니페스트")
    ask(room, room.bob, title="다른 섹션 질문", section="파드-만들기")
    ask(room, room.charlie, title="다른 그룹 질문", section="매니페스트", group=room.other)
    response = client_for(room.alice).get(ASK_MANIFEST)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="매니페스트" selected>' in page
    assert "“매니페스트”에 대해 나온 질문" in page and "매니페스트 질문" in page
    assert "다른 섹션 질문" not in page and "다른 그룹 질문" not in page
    ask_url = reverse("groups:ask", args=["pods"])
    empty = client_for(room.alice).get(f"{ask_url}?section=파드-지우기")
    assert "이 섹션에는 아직 질문이 없습니다" in empty.content.decode()
    hostile = f"{ask_url}?section=%3Cscript%3E"
    assert client_for(room.alice).get(hostile).status_code == 404


def test_the_ask_page_of_a_section_holds_its_queries(room, django_assert_max_num_queries):
    for n in range(30):
        ask(room, room.bob, title=f"질문 {n}", section="매니페스트")
    alice = client_for(room.alice)
    # Session, user, the lesson, the groups, the section's questions.
    with django_assert_max_num_queries(6):
        assert alice.get(ASK_MANIFEST).status_code == 200
