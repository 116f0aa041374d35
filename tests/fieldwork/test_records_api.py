"""The field-record API: every role against every new operation, scope, resends and bad
input (always a 4xx with {code, message, details})."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.events.api.conftest import jpeg_bytes
from wangge.fieldwork.models import HouseholdVisit, PointsEntry, SpecialVisit

EVERYONE = (
    "county_operator",
    "township_1_operator",
    "township_2_operator",
    "village_1_operator",
    "department_handler",
    "grid_worker_1",
    "grid_worker_2",
    "leader",
    "system_admin",
    "security_admin",
    "audit_admin",
    "citizen",
)
WORKERS = {"grid_worker_1", "grid_worker_2"}
READERS = WORKERS | {
    "county_operator",
    "township_1_operator",
    "township_2_operator",
    "village_1_operator",
    "leader",
}


def _json(client, url, body):
    return client.post(url, body, content_type="application/json")


def _operations(data):
    """(method, url, body, roles allowed) for every operation of the field-record API."""
    today = timezone.localdate().isoformat()
    house, special, place = data.house_1.pk, data.special.pk, data.place.pk
    return [
        (
            "post",
            "/api/field/visits/households",
            {"client_key": "k", "house": house, "notes": "n"},
            WORKERS,
        ),
        ("get", "/api/field/visits/households", None, WORKERS),
        (
            "post",
            "/api/field/visits/special",
            {"client_key": "k", "special": special, "notes": "n"},
            WORKERS,
        ),
        ("get", "/api/field/visits/special", None, WORKERS),
        ("get", "/api/field/tasks/visits", None, WORKERS),
        (
            "post",
            "/api/field/inspections",
            {"client_key": "k", "place": place, "inspected_on": today},
            WORKERS,
        ),
        ("post", "/api/field/diary", {"client_key": "k", "text": "t"}, WORKERS),
        ("get", "/api/field/diary", None, WORKERS),
        (
            "post",
            "/api/field/points",
            {"client_key": "k", "house": house, "points": 1, "reason": "r"},
            WORKERS,
        ),
        ("get", f"/api/field/points/{house}", None, READERS),
        ("get", "/api/field/stats", None, READERS),
    ]


def _call(client, method, url, body):
    return _json(client, url, body) if method == "post" else client.get(url)


@pytest.mark.parametrize("name", EVERYONE)
def test_every_role_against_every_operation(as_user, field_data, name):
    """Allowed roles get an answer from the service (2xx, or a scope/permission 4xx of the
    data); every other role the role rule's 403 `forbidden`."""
    client = as_user(name)
    for method, url, body, allowed in _operations(field_data):
        response = _call(client, method, url, body)
        if name in allowed:
            assert response.status_code < 500, (url, response.content)
            assert response.status_code < 400 or response.json()["code"] != "forbidden", url
        else:
            assert response.status_code == 403, (name, url, response.status_code)
            assert response.json()["code"] == "forbidden"


def test_anonymous_is_401(client, field_data):
    for method, url, body, _allowed in _operations(field_data):
        assert _call(client, method, url, body).status_code == 401, url


def test_the_worker_in_scope_records_what_others_cannot_reach(as_user, field_data):
    worker, other = as_user("grid_worker_1"), as_user("grid_worker_2")
    body = {"client_key": "hv", "house": field_data.house_1.pk, "notes": "入户了解情况"}
    assert _json(worker, "/api/field/visits/households", body).status_code == 201
    assert _json(other, "/api/field/visits/households", body).status_code == 404
    special = {"client_key": "sv", "special": field_data.special.pk, "notes": "谈心谈话"}
    refused = _json(other, "/api/field/visits/special", special)
    assert refused.status_code == 403 and refused.json()["code"] == "data_permission_required"
    points = {"client_key": "p", "house": field_data.house_1.pk, "points": 3, "reason": "环境整治"}
    assert _json(other, "/api/field/points", points).status_code == 404
    assert HouseholdVisit.objects.count() == 1 and not PointsEntry.objects.exists()


def test_visit_resend_is_200_with_the_first_record(as_user, field_data):
    worker = as_user("grid_worker_1")
    body = {
        "client_key": "sv-1",
        "special": field_data.special.pk,
        "kind": "help",
        "notes": "帮教谈话",
        "follow_up": "下周复查",
    }
    first = _json(worker, "/api/field/visits/special", body)
    again = _json(worker, "/api/field/visits/special", {**body, "notes": "改过的内容"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again.json()["notes"] == "帮教谈话"
    assert first.json()["next_visit_due"] == str(timezone.localdate() + timedelta(days=7))
    assert SpecialVisit.objects.count() == 1
    tasks = worker.get("/api/field/tasks/visits").json()
    assert tasks == []


def test_visit_tasks_list_the_overdue_record_masked(as_user, field_data):
    (task,) = as_user("grid_worker_1").get("/api/field/tasks/visits").json()
    assert task["special"] == field_data.special.pk and task["overdue"] is True
    assert task["person"] == "张**" and task["days_late"] == 3
    assert as_user("grid_worker_2").get("/api/field/tasks/visits").json() == []


def test_multipart_visit_with_photo(as_user, field_data):
    worker = as_user("grid_worker_1")
    body = {
        "client_key": "hv-photo",
        "house": str(field_data.house_1.pk),
        "notes": "屋顶漏雨",
        "photo": _jpeg(),
    }
    response = worker.post("/api/field/visits/households", body)
    assert response.status_code == 201, response.content
    assert response.json()["has_photo"] is True
    body.pop("photo")
    wrong_name = worker.post(
        "/api/field/visits/households", {**body, "client_key": "x", "pic": _jpeg()}
    )
    assert wrong_name.status_code == 400
    assert HouseholdVisit.objects.count() == 1


def _jpeg():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("site.jpg", jpeg_bytes(), content_type="image/jpeg")


def test_the_ledger_and_its_scope(as_user, field_data):
    worker = as_user("grid_worker_1")
    house = field_data.house_1.pk
    for key, value in (("a", 10), ("b", -4)):
        body = {"client_key": key, "house": house, "points": value, "reason": "垃圾分类"}
        assert _json(worker, "/api/field/points", body).status_code == 201
    resent = _json(
        worker,
        "/api/field/points",
        {"client_key": "a", "house": house, "points": 10, "reason": "r"},
    )
    assert resent.status_code == 200 and resent.json()["balance"] == 6
    for name in ("county_operator", "township_1_operator", "leader", "grid_worker_1"):
        ledger = as_user(name).get(f"/api/field/points/{house}")
        assert ledger.status_code == 200 and ledger.json()["balance"] == 6
    for name in ("township_2_operator", "grid_worker_2"):
        assert as_user(name).get(f"/api/field/points/{house}").status_code == 404


def test_stats_roles_and_scope(as_user, field_data):
    _json(
        as_user("grid_worker_1"),
        "/api/field/visits/households",
        {"client_key": "hv", "house": field_data.house_1.pk, "notes": "走访"},
    )
    own = as_user("grid_worker_1").get("/api/field/stats").json()
    assert [(r["worker"], r["visits_done"], r["visits_overdue"]) for r in own] == [
        ("grid_worker_1", 1, 1)
    ]
    refused = as_user("grid_worker_1").get("/api/field/stats?worker=grid_worker_2")
    assert refused.status_code == 403
    county = as_user("county_operator").get("/api/field/stats").json()
    assert [r["worker"] for r in county] == ["grid_worker_1", "grid_worker_2"]
    t2 = as_user("township_2_operator")
    assert [r["worker"] for r in t2.get("/api/field/stats").json()] == ["grid_worker_2"]
    assert t2.get("/api/field/stats?worker=grid_worker_1").status_code == 404
    one = as_user("township_1_operator").get("/api/field/stats?worker=grid_worker_1").json()
    assert one[0]["household_visits"] == 1
    last_year = as_user("leader").get("/api/field/stats?worker=grid_worker_1&period=2020-01")
    assert last_year.json()[0]["visits_done"] == 0


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/field/visits/households", {"client_key": "k", "house": "x", "notes": "n"}),
        ("/api/field/visits/households", {"client_key": "k", "notes": "n"}),
        ("/api/field/visits/households", {"client_key": "", "house": 1, "notes": "n"}),
        ("/api/field/visits/households", {"client_key": "k", "house": 1, "notes": "  "}),
        ("/api/field/points", {"client_key": "k", "house": 1, "points": 1, "reason": "r", "x": 1}),
        (
            "/api/field/visits/households",
            {"client_key": "k", "house": 1, "notes": "n", "visited_at": "2001-01-01T00:00:00Z"},
        ),
        (
            "/api/field/visits/special",
            {"client_key": "k", "special": 1, "notes": "n", "kind": "chat"},
        ),
        ("/api/field/inspections", {"client_key": "k", "place": 1, "inspected_on": "tomorrow"}),
        ("/api/field/diary", {"client_key": "k", "text": "t", "lon": 120.0}),
        ("/api/field/diary", {"client_key": "k", "text": "t", "day": "1999-01-01"}),
        ("/api/field/points", {"client_key": "k", "house": 1, "points": 0, "reason": "r"}),
        ("/api/field/points", {"client_key": "k", "house": 1, "points": 5, "reason": ""}),
        ("/api/field/points", {"client_key": "k", "house": 1, "points": 1.5, "reason": "r"}),
    ],
)
def test_bad_input_is_a_400_with_details(as_user, field_data, url, body):
    if body.get("house") == 1:
        body["house"] = field_data.house_1.pk
    if body.get("special") == 1:
        body["special"] = field_data.special.pk
    if body.get("place") == 1:
        body["place"] = field_data.place.pk
    response = _json(as_user("grid_worker_1"), url, body)
    assert response.status_code == 400, response.content
    assert {"code", "message", "details"} <= set(response.json())


def test_bad_query_and_unknown_records(as_user, field_data):
    operator = as_user("county_operator")
    assert operator.get("/api/field/stats?period=2026-13").status_code == 400
    assert operator.get("/api/field/stats?period=last").status_code == 400
    assert operator.get("/api/field/stats?worker=nobody").status_code == 404
    assert operator.get("/api/field/points/999999").status_code == 404
    worker = as_user("grid_worker_1")
    body = {"client_key": "k", "place": 999999, "inspected_on": timezone.localdate().isoformat()}
    assert _json(worker, "/api/field/inspections", body).status_code == 404
    garbage = worker.post("/api/field/diary", b"{not json", content_type="application/json")
    assert garbage.status_code == 400


def test_lists_do_not_grow_queries_with_their_length(
    as_user, field_data, django_assert_max_num_queries
):
    worker = as_user("grid_worker_1")
    for n in range(5):
        house = {"client_key": f"h{n}", "house": field_data.house_1.pk, "notes": "走访"}
        special = {"client_key": f"s{n}", "special": field_data.special.pk, "notes": "走访"}
        _json(worker, "/api/field/visits/households", house)
        _json(worker, "/api/field/visits/special", special)
    for url in ("/api/field/visits/households", "/api/field/visits/special"):
        with django_assert_max_num_queries(6):
            assert len(worker.get(url).json()) == 5
