"""The big screen: its figures are the official metrics and rankings of the viewer's
scope, it is cached per scope, and its live stream pushes a snapshot after a change."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.screen_support import TOWNSHIP_1_POINT, TOWNSHIP_2_POINT, categories, report
from wangge.accounts.models import Role, User
from wangge.accounts.scope import scope_of
from wangge.accounts.services import grant_role
from wangge.assessment.metrics import compute_metrics
from wangge.assessment.ranking import RankingKind, rank_units
from wangge.web.screen import snapshot as snapshots
from wangge.web.screen import views

SCREEN_PAGES = ("/screen/", "/screen/snapshot", "/screen/live")


@pytest.fixture
def events(cast):
    street, hazard = categories()
    yesterday = timezone.now() - timedelta(days=1)
    return {
        "street": street,
        "t1_today": [report(street), report(hazard, title="井盖缺失")],
        "t2_today": [report(street, point=TOWNSHIP_2_POINT)],
        "t1_yesterday": [report(street, now=yesterday)],
    }


def snapshot_json(client, user) -> dict:
    client.force_login(user)
    response = client.get("/screen/snapshot")
    assert response.status_code == 200
    return response.json()


def test_every_role_against_every_screen_page(cast, client):
    for path in SCREEN_PAGES:
        for username, user in cast.users.items():
            client.force_login(user)
            status = client.get(path).status_code
            allowed = user.has_role(Role.LEADER, Role.OPERATOR)
            assert status == (200 if allowed else 403), (path, username, status)
    client.logout()
    for path in SCREEN_PAGES:
        assert client.get(path).status_code == 302


def test_figures_are_the_metrics_and_rankings_of_the_scope(cast, client, events):
    today = timezone.localdate()
    month_start = today.replace(day=1)
    for name, region in (
        ("leader", cast.jurisdiction.county),
        ("township_1_operator", cast.jurisdiction.township_1),
    ):
        data = snapshot_json(client, cast[name])
        day = compute_metrics(period_start=today, period_end=today, region_code=region.code)
        month = compute_metrics(period_start=month_start, period_end=today, region_code=region.code)
        assert data["today"]["received"] == day.received
        assert data["month"]["received"] == month.received
        assert data["month"]["on_time_closure_rate"] == month.on_time_closure_rate
        scope = scope_of(cast[name])
        townships = rank_units(
            kind=RankingKind.TOWNSHIP, period_start=month_start, period_end=today, scope=scope
        )
        assert [r["name"] for r in data["townships"]] == [r.name for r in townships]
    assert snapshot_json(client, cast["leader"])["today"]["received"] == 3
    assert snapshot_json(client, cast["township_1_operator"])["today"]["received"] == 2


def test_a_township_screen_shows_nothing_from_another_township(cast, client, events):
    data = snapshot_json(client, cast["township_2_operator"])
    t2_grids = {g.code for key, g in cast.jurisdiction.grids.items() if key.startswith("t2")}
    assert data["today"]["received"] == 1
    assert set(data["hotspots"]) <= t2_grids and data["hotspots"]
    assert [e[:2] for e in data["events"]] == [[TOWNSHIP_2_POINT[1], TOWNSHIP_2_POINT[0]]]
    assert [r["name"] for r in data["townships"]] == ["二号镇"]
    page = client.get("/screen/").content.decode()
    assert "一号镇" not in page


def test_the_page_renders_the_snapshot_numbers(cast, client, events):
    client.force_login(cast["leader"])
    response = client.get("/screen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="today.received" data-kind="count" data-testid="today.received">3<' in html
    assert 'id="screen-snapshot"' in html


def test_user_text_never_reaches_the_page_unescaped(cast, client):
    street, _ = categories()
    street.name = "<script>alert(1)</script>"
    street.parent.name = "<script>alert(1)</script>"
    street.save()
    street.parent.save()
    report(street)
    client.force_login(cast["leader"])
    html = client.get("/screen/").content.decode()
    assert "<script>alert(1)</script>" not in html


def test_a_user_without_a_unit_sees_an_empty_screen(cast, client):
    lonely = User.objects.create_user("lonely_leader", password="x")
    grant_role(lonely, Role.LEADER)
    client.force_login(lonely)
    assert client.get("/screen/snapshot").json()["empty"] is True
    assert "暂无可显示的数据" in client.get("/screen/").content.decode()


def test_an_unchanged_snapshot_costs_one_query(cast, events, django_assert_num_queries):
    scope = scope_of(cast["leader"])
    first, token = snapshots.snapshot_for(scope)
    with django_assert_num_queries(1):
        again, again_token = snapshots.snapshot_for(scope)
    assert (again, again_token) == (first, token)


def test_a_change_rebuilds_the_snapshot_once_it_is_older_than_min_age(cast, events, monkeypatch):
    scope = scope_of(cast["leader"])
    before, _ = snapshots.snapshot_for(scope)
    report(events["street"])
    recent, _ = snapshots.snapshot_for(scope)
    assert recent["digest"] == before["digest"], "rebuilt although younger than MIN_AGE"
    monkeypatch.setattr(snapshots, "MIN_AGE", 0)
    after, token = snapshots.snapshot_for(scope)
    assert after["today"]["received"] == before["today"]["received"] + 1
    assert token == snapshots.change_token()


def _events_of(stream) -> list[dict]:
    found = []
    for chunk in stream:
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        for block in text.split("\n\n"):
            lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
            if lines.get("event") == "snapshot":
                found.append(json.loads(lines["data"]))
    return found


def test_the_live_stream_sends_a_snapshot_only_when_it_changed(cast, client, events, monkeypatch):
    monkeypatch.setattr(views, "STREAM_SECONDS", 0.5)
    monkeypatch.setattr(views, "POLL_SECONDS", 0.1)
    monkeypatch.setattr(snapshots, "MIN_AGE", 0)
    client.force_login(cast["leader"])
    current = client.get("/screen/snapshot").json()
    quiet = client.get("/screen/live", {"since": current["digest"]})
    assert quiet["Content-Type"] == "text/event-stream"
    assert _events_of(quiet.streaming_content) == []

    report(events["street"], point=TOWNSHIP_1_POINT)
    pushed = _events_of(
        client.get("/screen/live", HTTP_LAST_EVENT_ID=current["digest"]).streaming_content
    )
    assert len(pushed) == 1
    assert pushed[0]["today"]["received"] == current["today"]["received"] + 1
