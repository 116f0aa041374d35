"""The event list: filters, keyset pagination, data scope and a constant query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.events.api.conftest import T0, VILLAGE_2_POINT
from wangge.events.choices import Channel, Priority, State, Step
from wangge.events.models import CardLevel, Clock
from wangge.events.services import perform


def _codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["tracking_code"] for row in response.json()["results"]}


@pytest.fixture
def mixed(report, cast, categories):
    """Five events of different kinds, places, times and states."""
    events = {
        "street_t1": report(minutes=0),
        "noise_t1": report(minutes=10, category=categories.noise.pk, title="夜间施工噪音"),
        "urgent_t1": report(minutes=20, priority=Priority.URGENT, channel=Channel.QR_CODE),
        "street_t2": report(point=VILLAGE_2_POINT, minutes=30, description="南门口有摊贩"),
        "south_t1": report(point=(120.05, 40.02), minutes=40),
    }
    perform(events["street_t1"].pk, "accept", cast["village_1_operator"])
    return events


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "accepted"}, {"street_t1"}),
        ({"state": ["accepted", "reported"]}, {"street_t1", "noise_t1", "urgent_t1", "south_t1"}),
        ({"category": "noise"}, {"noise_t1"}),
        ({"category": "urban"}, {"street_t1", "urgent_t1", "south_t1"}),
        ({"region": "211421100"}, {"street_t1", "noise_t1", "urgent_t1", "south_t1"}),
        ({"region": "211421101000"}, set()),
        ({"grid": "211421100201002"}, {"south_t1"}),
        ({"channel": "qr_code"}, {"urgent_t1"}),
        ({"priority": "urgent"}, {"urgent_t1"}),
        ({"q": "施工"}, {"noise_t1"}),
        ({"q": "ZZZ-nothing"}, set()),
    ],
)
def test_filters(as_user, mixed, categories, params, expected):
    ids = {"noise": categories.noise.pk, "urban": categories.urban.pk}
    if "category" in params:
        params = {"category": ids[params["category"]]}
    response = as_user("township_1_operator").get("/api/events", params)
    assert _codes(response) == {mixed[name].tracking_code for name in expected}


def test_filter_by_holding_unit_and_dates(as_user, mixed, cast):
    client = as_user("county_operator")
    held = _codes(client.get("/api/events", {"unit": cast.village_1_centre.pk}))
    assert mixed["street_t1"].tracking_code in held
    assert mixed["street_t2"].tracking_code not in held
    day = timezone.localtime(T0).date()
    assert len(_codes(client.get("/api/events", {"created_from": day, "created_to": day}))) == 5
    later = day + timedelta(days=1)
    assert _codes(client.get("/api/events", {"created_from": later})) == set()


def test_overdue_and_card_filters(as_user, mixed, cast):
    now = timezone.now()
    late, fine = mixed["noise_t1"], mixed["urgent_t1"]
    unit = cast.village_1_centre
    Clock.objects.create(
        event=late, step=Step.ACCEPT, unit=unit, started_at=now - timedelta(hours=2),
        due_at=now - timedelta(hours=1), card_level=CardLevel.YELLOW,
    )  # fmt: skip
    Clock.objects.create(
        event=fine, step=Step.ACCEPT, unit=unit, started_at=now, due_at=now + timedelta(hours=1)
    )
    client = as_user("township_1_operator")
    assert _codes(client.get("/api/events", {"overdue": "true"})) == {late.tracking_code}
    assert late.tracking_code not in _codes(client.get("/api/events", {"overdue": "false"}))
    assert _codes(client.get("/api/events", {"card_level": "yellow"})) == {late.tracking_code}
    assert late.tracking_code not in _codes(client.get("/api/events", {"card_level": "none"}))
    row = next(r for r in client.get("/api/events").json()["results"] if r["id"] == late.pk)
    assert row["overdue"] is True and row["card_level"] == "yellow"


def test_township_operator_never_sees_the_other_township(as_user, mixed):
    t1 = _codes(as_user("township_1_operator").get("/api/events", {"limit": 200}))
    t2 = _codes(as_user("township_2_operator").get("/api/events", {"limit": 200}))
    county = _codes(as_user("county_operator").get("/api/events", {"limit": 200}))
    assert t2 == {mixed["street_t2"].tracking_code}
    assert mixed["street_t2"].tracking_code not in t1
    assert county == t1 | t2
    region_out_of_scope = as_user("township_1_operator").get("/api/events", {"region": "2114211"})
    assert mixed["street_t2"].tracking_code not in _codes(region_out_of_scope)


def test_pages_stay_stable_while_events_arrive(as_user, report):
    existing = [report(minutes=i // 2) for i in range(7)]  # pairs share a created_at
    client = as_user("county_operator")
    seen: list[str] = []
    response = client.get("/api/events", {"limit": 3})
    while True:
        body = response.json()
        assert body["count"] >= 7
        seen += [row["tracking_code"] for row in body["results"]]
        report(minutes=100 + len(seen))  # newer than everything: must not shift the pages
        if not body["next"]:
            break
        response = client.get(body["next"])
        assert response.status_code == 200
    assert (
        seen
        == [e.tracking_code for e in sorted(existing, key=lambda e: (e.created_at, e.pk))][::-1]
    )


def test_a_forged_cursor_is_refused(as_user, mixed):
    for cursor in ["bm90LWEtY3Vyc29y", "MjAyNi0wMy0wMlQwMTowMDowMHw", "!!"]:
        response = as_user("county_operator").get("/api/events", {"cursor": cursor})
        assert response.status_code == 400
        assert response.json()["code"] in ("invalid_cursor", "invalid_input")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_list_costs_a_constant_number_of_queries(as_user, report, cast):
    client = as_user("county_operator")
    for i in range(3):
        report(minutes=i)
    few = _queries(client, "/api/events?limit=50")
    for i in range(3, 55):
        event = report(minutes=i, reporter_name="赵六", reporter_phone="13511112222")
        Clock.objects.create(
            event=event, step=Step.ACCEPT, unit=cast.village_1_centre, started_at=T0, due_at=T0
        )
    many = _queries(client, "/api/events?limit=50")
    assert many == few
    assert len(client.get("/api/events?limit=50").json()["results"]) == 50


@pytest.mark.parametrize(("user", "status"), [("citizen", 403), ("security_admin", 403)])
def test_list_is_for_staff(as_user, cast, user, status):
    response = as_user(user).get("/api/events")
    assert response.status_code == status and response.json()["code"] == "forbidden"


def test_list_needs_credentials(client, db):
    assert client.get("/api/events").status_code == 401


def test_states_in_rows_are_labelled(as_user, mixed):
    rows = as_user("township_1_operator").get("/api/events").json()["results"]
    labels = {row["state"]: row["state_label"] for row in rows}
    assert labels[State.ACCEPTED] == "已受理"
