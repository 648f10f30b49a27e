"""The instructors' reports read from a real streaming replica (its replay paused to make
it fall behind), a person who has just written reads from the primary for a while, a
replica stopped or too far behind leaves the reports to the primary, and two web nodes
show a cohort the same figures (tests/portal/scaling/conftest.py)."""

import csv
import io
import time

import pytest

from portal.scaling.replica import PIN_COOKIE
from tests.cluster.browser import Browser
from tests.cluster.seed import PASSWORD
from tests.cluster.services import WebNode
from tests.portal.scaling.conftest import CHECK_SECONDS, PIN_SECONDS

pytestmark = pytest.mark.cluster
LESSON = "kubernetes-orchestration-lab"
LAG_LIMIT = 5  # DATABASE_REPLICA_MAX_LAG of the watchful node


def signed_in(base: str, username: str) -> Browser:
    browser = Browser(base)
    assert browser.log_in(username, PASSWORD) == 302
    browser.forget(PIN_COOKIE)  # signing in is a write: start unpinned
    return browser


def csv_row(browser: Browser, group_id: int, name: str, base: str | None = None) -> list | None:
    status, text = browser.get(f"/groups/{group_id}/dashboard/export.csv", base)
    assert status == 200, text[:500]
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    return next((row for row in rows if name in row), None)


def user_id(cluster, username: str) -> int:
    with cluster.postgres.primary.connect("portal") as db:
        return db.execute("SELECT id FROM portal_user WHERE username = %s", [username]).fetchone()[
            0
        ]


@pytest.fixture
def behind(cluster):
    """The replica, caught up, then stopped replaying: it shows the past until resumed."""
    cluster.postgres.wait_for_replica("portal")
    cluster.postgres.pause_replay()
    yield cluster
    cluster.postgres.resume_replay()
    cluster.postgres.wait_for_replica("portal")


def test_the_dashboards_read_from_the_replica_and_a_writer_from_the_primary(behind):
    cluster = behind
    [group] = cluster.group_ids
    first, second = (node.url for node in cluster.nodes)
    # Signed in while the replica is behind: who a request is comes from the primary.
    watcher = signed_in(second, "teacher0")
    teacher = signed_in(first, "teacher0")
    learner = signed_in(first, "remind1")
    before = csv_row(watcher, group, "학습자 1")
    assert before is not None

    assert learner.post(f"/lessons/{LESSON}/done/", {"done": "1"})[0] == 302
    removed = user_id(cluster, "remind2")
    status, _ = teacher.post(f"/groups/{group}/manage/members/{removed}/remove/", {})
    assert status == 302

    # Nobody who has not written since sees either change: the replica is behind.
    assert csv_row(watcher, group, "학습자 1") == before
    assert csv_row(watcher, group, "학습자 2") is not None
    learner_page = f"/groups/{group}/dashboard/learners/{removed}/"
    for base in (first, second):
        assert watcher.get(f"/groups/{group}/dashboard/", base)[0] == 200
        assert watcher.get(learner_page, base)[0] == 200
    # The instructor who removed the learner reads from the primary, on either node.
    assert teacher.cookie(PIN_COOKIE) is not None
    for base in (first, second):
        assert csv_row(teacher, group, "학습자 2", base) is None
        assert csv_row(teacher, group, "학습자 1", base) != before
        assert teacher.get(learner_page, base)[0] == 404  # no longer in the group

    # Once the window has passed, back to the replica (still behind).
    time.sleep(PIN_SECONDS + 0.5)
    teacher.forget(PIN_COOKIE)  # as the browser does when its max-age runs out
    assert csv_row(teacher, group, "학습자 2") is not None

    cluster.postgres.resume_replay()
    cluster.postgres.wait_for_replica("portal")
    assert csv_row(watcher, group, "학습자 2") is None
    assert csv_row(watcher, group, "학습자 1") != before


def test_an_expired_pin_sent_again_reads_from_the_replica(behind):
    cluster = behind
    [group] = cluster.group_ids
    teacher = signed_in(cluster.nodes[0].url, "teacher0")
    learner = signed_in(cluster.nodes[0].url, "remind3")
    before = csv_row(teacher, group, "학습자 3")
    assert learner.post(f"/lessons/{LESSON}/done/", {"done": "1"})[0] == 302
    # A pin cookie whose time has passed (a client that ignores max-age) pins nothing.
    teacher.jar.set_cookie(_cookie(PIN_COOKIE, f"{time.time() - 1:.3f}"))
    assert csv_row(teacher, group, "학습자 3") == before


def test_two_web_nodes_show_a_cohort_the_same_figures(cluster):
    [group] = cluster.group_ids
    first, second = (node.url for node in cluster.nodes)
    teacher = signed_in(first, "teacher0")
    learner = signed_in(second, "remind4")

    def figures() -> list:
        cluster.postgres.wait_for_replica("portal")
        return [csv_row(teacher, group, "학습자 4", base) for base in (first, second)]

    [a, b] = figures()
    assert a == b
    assert learner.post(f"/lessons/{LESSON}/done/", {"done": "1"})[0] == 302
    [done_a, done_b] = figures()
    assert done_a == done_b != a  # a lesson done shows at once, on both nodes
    assert learner.post(f"/lessons/{LESSON}/done/", {"done": "0"})[0] == 302
    undone = figures()
    assert undone[0] == undone[1]  # an undo shows within the minute, the same on both


@pytest.fixture(scope="module")
def watchful(run_cluster):
    """A third web node that passes the replica over once it is LAG_LIMIT seconds behind
    (the cluster's own nodes read from it however far behind it is)."""
    env = run_cluster.web_env | {"DATABASE_REPLICA_MAX_LAG": str(LAG_LIMIT)}
    node = WebNode("web-watchful", env, run_cluster.folder / "web-watchful.log").start()
    yield node
    node.stop()


def reports(group: int, member: int) -> list[str]:
    return [
        f"/groups/{group}/dashboard/",
        f"/groups/{group}/dashboard/learners/{member}/",
        f"/groups/{group}/readiness/",
    ]


def test_a_replica_too_far_behind_leaves_the_reports_to_the_primary(cluster, watchful):
    [group] = cluster.group_ids
    teacher = signed_in(cluster.nodes[0].url, "teacher0")
    learner = signed_in(cluster.nodes[0].url, "remind5")
    before = csv_row(teacher, group, "학습자 5")
    cluster.postgres.wait_for_replica("portal")
    time.sleep(CHECK_SECONDS + 0.2)  # each node asks afresh: the replica has caught up
    cluster.postgres.pause_replay()
    try:
        written = time.monotonic()
        assert learner.post(f"/lessons/{LESSON}/done/", {"done": "1"})[0] == 302
        # A moment behind, within the limit: the replica answers, with the past.
        assert csv_row(teacher, group, "학습자 5", watchful.url) == before
        time.sleep(max(written + LAG_LIMIT + CHECK_SECONDS + 0.5 - time.monotonic(), 0))
        # Past the limit: the primary answers on the watchful node, and only there.
        after = csv_row(teacher, group, "학습자 5", watchful.url)
        assert after != before
        assert csv_row(teacher, group, "학습자 5") == before
        for path in reports(group, user_id(cluster, "remind5")):
            assert teacher.get(path, watchful.url)[0] == 200
    finally:
        cluster.postgres.resume_replay()
        cluster.postgres.wait_for_replica("portal")
    assert csv_row(teacher, group, "학습자 5") == after


def test_a_stopped_replica_leaves_the_reports_to_the_primary(cluster, watchful):
    [group] = cluster.group_ids
    bases = [*(node.url for node in cluster.nodes), watchful.url]
    teacher = signed_in(bases[0], "teacher0")
    learner = signed_in(bases[0], "remind6")
    before = csv_row(teacher, group, "학습자 6")
    cluster.postgres.replica.stop()
    try:
        assert learner.post(f"/lessons/{LESSON}/done/", {"done": "1"})[0] == 302
        for base in bases:
            for path in reports(group, user_id(cluster, "remind6")):
                status, page = teacher.get(path, base)
                assert status == 200, page[:300]
            after = csv_row(teacher, group, "학습자 6", base)
            assert after != before  # the primary's figures, this learner's lesson done
    finally:
        cluster.postgres.replica.start()
        cluster.postgres.wait_for_replica("portal", timeout=60)

    # Back: at the next check the reports read from the replica again (paused, the past).
    time.sleep(CHECK_SECONDS + 0.5)
    cluster.postgres.pause_replay()
    try:
        assert learner.post(f"/lessons/{LESSON}/done/", {"done": "0"})[0] == 302
        assert csv_row(teacher, group, "학습자 6") == after
    finally:
        cluster.postgres.resume_replay()
        cluster.postgres.wait_for_replica("portal")


def _cookie(name: str, value: str):
    import http.cookiejar

    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False,
        None, False, None, None, {},
    )  # fmt: skip
