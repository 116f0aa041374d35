"""GET /api/map/basedata: every role, scope, masked labels, layers and bad input."""

import pytest

from tests.web.basedata.conftest import NOT_READERS, READERS

BOX = "119.9,39.9,120.3,40.2"


def _features(client, **params) -> list[dict]:
    response = client.get("/api/map/basedata", {"bbox": BOX, **params})
    assert response.status_code == 200, response.content
    return response.json()["features"]


@pytest.mark.parametrize("name", READERS)
def test_readers_get_their_scope(as_user, known, name):
    found = {(f["properties"]["category"], f["properties"]["id"]) for f in _features(as_user(name))}
    assert ("house", known.records["house"].pk) in found
    assert ("person", known.records["person"].pk) in found  # placed at its house's point
    assert ("key_place", known.records["key_place"].pk) in found


@pytest.mark.parametrize("name", NOT_READERS)
def test_other_roles_are_refused(as_user, known, name):
    assert as_user(name).get("/api/map/basedata", {"bbox": BOX}).status_code == 403


def test_anonymous_is_refused(client, known):
    assert client.get("/api/map/basedata", {"bbox": BOX}).status_code == 401


def test_township_2_sees_nothing_of_township_1(as_user, known):
    assert _features(as_user("township_2_operator")) == []


def test_labels_are_masked_and_layers_filter(as_user, known):
    features = _features(as_user("county_operator"), layer=["person"])
    (person,) = features
    assert person["properties"]["label"] == "张**"
    assert person["geometry"]["coordinates"] == [120.05, 40.07]
    assert person["properties"]["grid"] == known.records["house"].grid.code
    outside = as_user("county_operator").get("/api/map/basedata", {"bbox": "0,0,1,1"})
    assert outside.json()["features"] == []


@pytest.mark.parametrize(
    "params", [{"bbox": "1,2,3"}, {"bbox": "3,0,1,1"}, {"bbox": BOX, "layer": "event"}]
)
def test_bad_input_is_a_400_with_the_error_body(as_user, known, params):
    response = as_user("county_operator").get("/api/map/basedata", params)
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "details"}
