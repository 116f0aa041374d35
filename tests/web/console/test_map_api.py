"""GET /api/map/events and /api/map/grids: roles, scope, aggregation, caching, bad input."""

from urllib.parse import quote

import pytest
from django.test import Client

from tests.api.conftest import assert_error_body
from tests.web.console.conftest import VILLAGE_1_POINT, VILLAGE_2_POINT
from wangge.events import mapdata
from wangge.events.services import perform
from wangge.regions.models import Grid

COUNTY_BBOX = "119,39,121,41"
STAFF = [
    "county_operator",
    "township_1_operator",
    "township_2_operator",
    "village_1_operator",
    "department_handler",
    "grid_worker_1",
    "grid_worker_2",
    "leader",
    "system_admin",
]
WRONG_ROLE = ["citizen", "security_admin", "audit_admin"]


def _events(client, **params):
    params.setdefault("bbox", COUNTY_BBOX)
    return client.get("/api/map/events", params)


def test_roles(as_user, categories):
    for path in ("/api/map/events?bbox=" + COUNTY_BBOX, "/api/map/grids"):
        assert Client().get(path).status_code == 401
        for name in WRONG_ROLE:
            assert as_user(name).get(path).status_code == 403, (path, name)
        for name in STAFF:
            assert as_user(name).get(path).status_code == 200, (path, name)


def test_points_stay_in_scope(as_user, report):
    own = report()
    other = report(point=VILLAGE_2_POINT)
    body = _events(as_user("township_1_operator")).json()
    assert body["mode"] == "points"
    assert [p[0] for p in body["points"]] == [own.pk]
    point = body["points"][0]
    assert point[1:] == [round(own.lon, 5), round(own.lat, 5), "reported", "normal"]
    ids = {p[0] for p in _events(as_user("county_operator")).json()["points"]}
    assert ids == {own.pk, other.pk}


def test_states_filter_and_closed_window(as_user, report, cast):
    open_event = report()
    closed = report(title="已答复")
    closed.category.direct_answer = True
    closed.category.save()
    perform(closed.pk, "answer", cast["village_1_operator"], answer="已答复")
    client = as_user("county_operator")
    assert {p[0] for p in _events(client).json()["points"]} == {open_event.pk}
    got = _events(client, state="closed").json()["points"]
    assert [p[0] for p in got] == [closed.pk]
    both = client.get(f"/api/map/events?bbox={COUNTY_BBOX}&state=closed&state=reported").json()
    assert {p[0] for p in both["points"]} == {open_event.pk, closed.pk}


def test_bbox_limits_the_points(as_user, report):
    report()
    east = report(point=VILLAGE_2_POINT)
    body = _events(as_user("county_operator"), bbox="120.12,40.0,120.2,40.1").json()
    assert [p[0] for p in body["points"]] == [east.pk]


def test_many_events_become_counts_per_grid_or_village(as_user, report, monkeypatch, jurisdiction):
    monkeypatch.setattr(mapdata, "MAX_POINTS", 2)
    for _ in range(2):
        report(point=VILLAGE_1_POINT)
    report(point=VILLAGE_2_POINT)
    client = as_user("county_operator")
    body = _events(client, zoom=14).json()
    assert body["mode"] == "grids" and body["points"] == []
    grid_1 = jurisdiction.grids["t1_north"]
    cells = {cell[0]: cell for cell in body["cells"]}
    assert cells[grid_1.code][4] == 2 and cells[grid_1.code][5] == {"reported": 2}
    assert sum(cell[4] for cell in body["cells"]) == 3
    body = _events(client, zoom=9).json()
    assert body["mode"] == "villages"
    villages = {cell[0]: cell[4] for cell in body["cells"]}
    assert villages == {jurisdiction.village_1.code: 2, jurisdiction.village_2.code: 1}
    # Scope holds in the aggregated answers too.
    body = _events(as_user("township_2_operator"), zoom=14).json()
    assert body["mode"] == "points" and len(body["points"]) == 1


def test_grids_are_scoped_simplified_geojson_with_an_etag(as_user, jurisdiction):
    client = as_user("township_2_operator")
    response = client.get("/api/map/grids?zoom=14")
    assert response["Content-Type"].startswith("application/geo+json")
    codes = {f["properties"]["code"] for f in response.json()["features"]}
    assert codes == set(
        Grid.objects.filter(village=jurisdiction.village_2).values_list("code", flat=True)
    )
    etag = response["ETag"]
    again = client.get("/api/map/grids?zoom=14", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    county = as_user("county_operator").get("/api/map/grids?zoom=14")
    assert county["ETag"] != etag and len(county.json()["features"]) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "121,39,119,41"},
        {"bbox": "119,39,121,95"},
        {"bbox": "nan,1,2,3"},
        {"bbox": "1e309,1,2,3"},
        {"state": "bogus"},
        {"zoom": "99"},
        {"zoom": "x"},
        {"days": "0"},
        {"days": "9999"},
    ],
)
def test_bad_input_is_a_400_with_the_error_body(as_user, params):
    response = _events(as_user("county_operator"), **params)
    assert response.status_code == 400
    assert_error_body(response, 400)


@pytest.mark.parametrize("value", ["", "0x1F", "网格", "\x00", "<script>", "9" * 5000, "%"])
def test_odd_values_never_fail_with_a_server_error(as_user, value):
    client = as_user("county_operator")
    for path in (
        f"/api/map/events?bbox={quote(value)}",
        f"/api/map/events?bbox={COUNTY_BBOX}&state={quote(value)}",
        f"/api/map/grids?zoom={quote(value)}",
    ):
        response = client.get(path)
        assert response.status_code < 500, path
