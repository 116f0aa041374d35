"""The supervision board over the API: columns by card level, in the caller's scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.console.conftest import VILLAGE_2_POINT
from wangge.events.models import CardLevel
from wangge.supervision.sweep import run_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_and_fresh(report):
    """Two reports never accepted for 20 days (red by now), one fresh, one in township 2."""
    long_ago = timezone.now() - timedelta(days=20)
    late = [report(title=f"久未受理{n}", now=long_ago) for n in range(2)]
    fresh = report(title="刚刚上报")
    elsewhere = report(title="二号镇的事件", point=VILLAGE_2_POINT, now=long_ago)
    run_sweep(timezone.now())
    return late, fresh, elsewhere


def _columns(client, **params) -> dict[str, dict]:
    answer = client.get("/api/supervision/board", params)
    assert answer.status_code == 200, answer.content
    return {column["level"]: column for column in answer.json()}


def test_columns_count_the_running_steps_by_card_level(as_user, overdue_and_fresh):
    late, fresh, elsewhere = overdue_and_fresh
    columns = _columns(as_user("county_operator"))
    assert list(columns) == [CardLevel.NONE, CardLevel.NORMAL, CardLevel.YELLOW, CardLevel.RED]
    assert columns[CardLevel.NONE]["count"] == 1
    assert columns[CardLevel.NONE]["items"][0]["title"] == fresh.title
    red = columns[CardLevel.RED]
    assert red["count"] == 3
    assert {item["event_id"] for item in red["items"]} == {e.pk for e in [*late, elsewhere]}
    assert all(item["light"] == "red" for item in red["items"])


def test_a_township_sees_only_its_own_steps(as_user, overdue_and_fresh):
    late, fresh, elsewhere = overdue_and_fresh
    columns = _columns(as_user("township_2_operator"))
    listed = {item["event_id"] for column in columns.values() for item in column["items"]}
    assert listed == {elsewhere.pk}
    assert sum(column["count"] for column in columns.values()) == 1


def test_items_per_column_are_limited_but_counts_are_not(as_user, overdue_and_fresh):
    columns = _columns(as_user("leader"), per_column=1)
    assert columns[CardLevel.RED]["count"] == 3
    assert len(columns[CardLevel.RED]["items"]) == 1


@pytest.mark.parametrize("per_column", ["0", "201", "many"])
def test_bad_input_is_a_400(as_user, cast, per_column):
    answer = as_user("leader").get("/api/supervision/board", {"per_column": per_column})
    assert answer.status_code == 400
    assert set(answer.json()) == {"code", "message", "details"}


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("county_operator", 200),
        ("leader", 200),
        ("department_handler", 403),
        ("grid_worker_1", 403),
        ("citizen", 403),
        ("system_admin", 403),
        ("security_admin", 403),
        ("audit_admin", 403),
    ],
)
def test_who_may_read_the_board(as_user, cast, name, status):
    assert as_user(name).get("/api/supervision/board").status_code == status


def test_the_board_needs_a_login(client, db):
    assert client.get("/api/supervision/board").status_code == 401
