"""Patrols through the API: roles, the worker's own grids, idempotent resends, bad input."""

import math

import pytest

from tests.fieldwork.conftest import recent
from wangge.fieldwork.models import Patrol, TrackPoint
from wangge.fieldwork.patrols import patrol_length_m

START = "/api/field/patrols"


def _start(client, key="p-1", grid=None, **extra):
    body = {"client_key": key, "grid": grid, "started_at": recent(5), **extra}
    return client.post(START, body, content_type="application/json")


def _points(client, key, points):
    return client.post(f"{START}/{key}/points", {"points": points}, content_type="application/json")


def _point(n: int, **extra):
    return {
        "client_key": f"pt-{n}",
        "recorded_at": recent(4 - n),
        "lon": 120.05 + n * 0.001,
        "lat": 40.07,
        "accuracy": 8.5,
        **extra,
    }


@pytest.fixture
def worker(assigned, as_user):
    return as_user("grid_worker_1")


@pytest.fixture
def t1_north(assigned):
    return assigned.jurisdiction.grids["t1_north"].code


def test_start_is_idempotent_by_client_key(worker, t1_north):
    first = _start(worker, grid=t1_north)
    again = _start(worker, grid=t1_north)
    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["started_at"] == first.json()["started_at"]
    assert Patrol.objects.count() == 1


def test_points_are_stored_once_and_the_patrol_ends_once(worker, t1_north):
    _start(worker, grid=t1_north)
    points = [_point(n) for n in range(3)]
    assert _points(worker, "p-1", points).json() == {"added": 3, "duplicates": 0}
    assert _points(worker, "p-1", points + [_point(3)]).json() == {"added": 1, "duplicates": 3}
    assert TrackPoint.objects.count() == 4
    ended = worker.post(f"{START}/p-1/end", {}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["points"] == 4
    again = worker.post(
        f"{START}/p-1/end", {"ended_at": recent(0)}, content_type="application/json"
    )
    assert again.json()["ended_at"] == ended.json()["ended_at"]
    # A resend of stored points after the end is still harmless; a new point is refused.
    assert _points(worker, "p-1", points).json() == {"added": 0, "duplicates": 3}
    late = _points(worker, "p-1", [_point(9)])
    assert late.status_code == 409 and late.json()["code"] == "patrol_ended"
    assert TrackPoint.objects.count() == 4


def test_a_worker_patrols_only_their_assigned_grids(worker, assigned):
    for grid in ("t1_south", "t2_north"):
        response = _start(worker, key=grid, grid=assigned.jurisdiction.grids[grid].code)
        assert response.status_code == 403 and response.json()["code"] == "out_of_scope"
    assert _start(worker, key="x", grid="999999999999999").status_code == 403
    assert not Patrol.objects.exists()


def test_another_workers_patrol_is_not_found(worker, as_user, t1_north):
    _start(worker, grid=t1_north)
    other = as_user("grid_worker_2")
    assert _points(other, "p-1", [_point(0)]).status_code == 404
    response = other.post(f"{START}/p-1/end", {}, content_type="application/json")
    assert response.status_code == 404
    assert Patrol.objects.get().ended_at is None and not TrackPoint.objects.exists()
    assert other.get(START).json() == []
    assert len(worker.get(START).json()) == 1


OPERATIONS = [
    ("get", START, None),
    ("post", START, {"client_key": "k", "grid": "x"}),
    ("post", f"{START}/k/points", {"points": []}),
    ("post", f"{START}/k/end", {}),
    ("get", "/api/field/tasks", None),
    ("get", "/api/field/grids", None),
]


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_only_grid_workers_may_call_field_operations(assigned, as_user, client, method, path, body):
    def call(c):
        if method == "get":
            return c.get(path)
        return c.post(path, body, content_type="application/json")

    assert call(client).status_code == 401
    for name, user in assigned.users.items():
        status = call(as_user(name)).status_code
        if user.has_role("grid_worker"):
            assert status not in (401, 403) or path == START and method == "post", (name, status)
        else:
            assert status == 403, (name, status)
    assert not Patrol.objects.exists()


BAD_POINTS = [
    {"lon": 200},
    {"lat": -91},
    {"accuracy": -1},
    {"recorded_at": "2001-01-01T00:00:00+00:00"},
    {"recorded_at": "2026-01-01T00:00:00"},
    {"client_key": ""},
    {"client_key": "k" * 65},
    {"lon": "east"},
]


@pytest.mark.parametrize("bad", BAD_POINTS)
def test_bad_points_are_refused_with_400_and_nothing_stored(worker, t1_north, bad):
    _start(worker, grid=t1_north)
    response = _points(worker, "p-1", [_point(0), _point(1, **bad)])
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"code", "message", "details"}
    assert not TrackPoint.objects.exists()


def test_other_bad_input_is_a_400(worker, t1_north):
    assert _points(worker, "p-1", []).status_code in (400, 404)
    _start(worker, grid=t1_north)
    assert _points(worker, "p-1", []).status_code == 400
    assert _points(worker, "p-1", [_point(n) for n in range(501)]).status_code == 400
    assert (
        _start(worker, key="future", grid=t1_north, started_at="2099-01-01T00:00:00Z").status_code
        == 400
    )
    assert _start(worker, key="", grid=t1_north).status_code == 400
    assert worker.post(START, "nonsense", content_type="application/json").status_code == 400
    early = worker.post(
        f"{START}/p-1/end", {"ended_at": recent(60)}, content_type="application/json"
    )
    assert early.status_code == 400 and early.json()["details"] == {"field": "ended_at"}
    assert Patrol.objects.get().ended_at is None


def test_my_grids_are_the_assigned_ones(worker, t1_north):
    features = worker.get("/api/field/grids").json()["features"]
    assert [f["properties"]["code"] for f in features] == [t1_north]
    lon, lat = features[0]["properties"]["centre"]
    assert 120.0 < lon < 120.1 and 40.05 < lat < 40.1


def test_patrol_length_in_metres():
    # One thousandth of a degree of latitude is about 111 m anywhere.
    assert math.isclose(patrol_length_m([(120.0, 40.0), (120.0, 40.001)]), 111.2, rel_tol=0.01)
    assert patrol_length_m([]) == 0
