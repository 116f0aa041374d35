"""The live channel (server-sent events) and the supervision board, without a browser."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.console.conftest import VILLAGE_2_POINT
from wangge.events.choices import Channel, Priority
from wangge.events.models import TrailEntry
from wangge.events.queries import latest_trail_id
from wangge.supervision.sweep import run_sweep
from wangge.web import live


@pytest.fixture(autouse=True)
def _one_poll(monkeypatch):
    """One poll per response: the stream ends at once instead of after 25 seconds."""
    monkeypatch.setattr(live, "MAX_SECONDS", 0)


def _messages(response) -> list[tuple[int, dict]]:
    assert response["Content-Type"] == "text/event-stream"
    text = b"".join(response.streaming_content).decode()
    found = []
    for frame in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line)
        if lines.get("event") == "change":
            found.append((int(lines["id"]), json.loads(lines["data"])))
    return found


def test_operator_gets_changes_in_scope_since_the_cursor(cast, client, report):
    start = latest_trail_id()
    own = report(title="一号镇新事件")
    report(point=VILLAGE_2_POINT, title="二号镇新事件")
    client.force_login(cast["township_1_operator"])
    got = _messages(client.get(f"/console/live/?cursor={start}"))
    assert [m["title"] for _, m in got] == ["一号镇新事件"]
    entry_id, message = got[0]
    assert message["id"] == own.pk and message["new"] is True and message["emergency"] is False
    assert entry_id == TrailEntry.objects.get(event=own).pk
    # A reconnecting EventSource sends the last id it got: nothing is repeated.
    assert _messages(client.get("/console/live/", HTTP_LAST_EVENT_ID=str(entry_id))) == []


def test_without_a_cursor_only_what_comes_next_is_sent(cast, client, report):
    report()
    client.force_login(cast["county_operator"])
    assert _messages(client.get("/console/live/")) == []


@pytest.mark.parametrize(
    "fields",
    [{"priority": Priority.EMERGENCY}, {"channel": Channel.ALARM}],
)
def test_emergencies_and_alarms_are_flagged(cast, client, report, fields):
    start = latest_trail_id()
    report(**fields)
    client.force_login(cast["county_operator"])
    [(_, message)] = _messages(client.get(f"/console/live/?cursor={start}"))
    assert message["emergency"] is True


def test_actions_arrive_as_changes(cast, client, report):
    event = report()
    start = latest_trail_id()
    client.force_login(cast["village_1_operator"])
    client.post(f"/console/events/{event.pk}/act/accept/", {"version": 0})
    [(_, message)] = _messages(client.get(f"/console/live/?cursor={start}"))
    assert message["action"] == "accept" and message["state"] == "accepted"
    assert message["new"] is False


def test_department_hears_only_about_its_own_parts(cast, client, report, dispatched):
    start = latest_trail_id()
    report(title="未派遣的事件")
    dispatched(title="派给本部门的事件")
    client.force_login(cast["department_handler"])
    titles = {m["title"] for _, m in _messages(client.get(f"/department/live/?cursor={start}"))}
    assert titles == {"派给本部门的事件"}


@pytest.mark.parametrize("cursor", ["abc", "-1", "1" * 40, "１２"])
def test_an_odd_cursor_means_from_now(cast, client, report, cursor):
    report()
    client.force_login(cast["county_operator"])
    assert _messages(client.get(f"/console/live/?cursor={cursor}")) == []


def test_live_pages_by_role(cast, client):
    for path, role_holder in (
        ("/console/live/", "county_operator"),
        ("/department/live/", "department_handler"),
    ):
        client.logout()
        assert client.get(path)["Location"].startswith("/login/")
        client.force_login(cast["citizen"])
        assert client.get(path).status_code == 403
        client.force_login(cast[role_holder])
        assert client.get(path).status_code == 200


# ---------------------------------------------------------------- supervision board


def _columns(client) -> dict[str, str]:
    body = client.get("/console/board/columns/").content.decode()
    parts = body.split('<section class="column column-')[1:]
    return {part.split('"', 1)[0]: part for part in parts}


def test_board_puts_clocks_in_their_card_column_in_scope(cast, client, report):
    long_ago = timezone.now() - timedelta(days=30)
    overdue = report(title="受理超期事件", now=long_ago)
    fresh = report(title="刚上报的事件")
    report(point=VILLAGE_2_POINT, title="二号镇事件", now=long_ago)
    run_sweep(timezone.now())
    client.force_login(cast["township_1_operator"])
    columns = _columns(client)
    # 30 days past a 30-minute limit is beyond the red-card interval (5 working days).
    assert "受理超期事件" in columns["red"] and "受理超期事件" not in columns["none"]
    assert "刚上报的事件" in columns["none"]
    assert '<span class="light green"' in columns["none"]
    assert "二号镇事件" not in "".join(columns.values())
    assert overdue.pk != fresh.pk
    client.force_login(cast["county_operator"])
    assert "二号镇事件" in _columns(client)["red"]


def test_board_pages_by_role(cast, client):
    for path in ("/console/board/", "/console/board/columns/", "/console/map/"):
        client.logout()
        assert client.get(path)["Location"].startswith("/login/")
        client.force_login(cast["department_handler"])
        assert client.get(path).status_code == 403
        for reader in ("village_1_operator", "leader"):
            client.force_login(cast[reader])
            assert client.get(path).status_code == 200, reader
