"""Every 4xx from the API carries exactly {code, message, details}."""

import pytest
from django.test import Client

from tests.api.conftest import assert_error_body
from tests.api.operations import all_operations, sample_url

UNSAFE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


@pytest.fixture
def operator(as_user):
    return as_user("county_operator")


@pytest.mark.parametrize(
    "path", ["/api/", "/api/nope", "/api/regions/211421000000/extra", "/api/grids/x/y/z"]
)
def test_unknown_api_path_is_404_with_error_body(db, path):
    assert_error_body(Client().get(path), 404, "not_found")


def test_unknown_non_api_path_is_a_plain_404(db):
    assert Client().get("/no-such-page").status_code == 404


def _methods_by_path() -> dict[str, set[str]]:
    served: dict[str, set[str]] = {}
    for op in all_operations():
        served.setdefault(op.path, set()).add(op.method)
    return served


@pytest.mark.parametrize("path", sorted(_methods_by_path()))
def test_unsupported_method_is_405_with_error_body(db, path):
    served = _methods_by_path()[path]
    url = sample_url(path)
    for method in [m for m in UNSAFE_METHODS if m not in served]:
        response = Client().generic(method, url)
        body = assert_error_body(response, 405, "method_not_allowed")
        assert set(body["details"]["allowed"]) == served
        assert set(response["Allow"].split(", ")) == served


def test_missing_required_query_parameter_is_400(operator):
    body = assert_error_body(operator.get("/api/grids"), 400, "invalid_input")
    assert any("bbox" in err["loc"] for err in body["details"])


@pytest.mark.parametrize(
    "bbox",
    [
        "a,b,c",
        "a,b,c,d",
        "1,2,3",
        "1,2,3,4,5",
        "",
        "120.2,40,120.0,40.1",  # min lon > max lon
        "120,40.1,120.2,40.0",  # min lat > max lat
        "-181,0,0,1",
        "0,-91,1,0",
        "nan,nan,nan,nan",
        "inf,0,inf,1",
    ],
)
def test_bad_bbox_is_400(operator, bbox):
    assert_error_body(operator.get("/api/grids", {"bbox": bbox}), 400)


@pytest.mark.parametrize(
    "params",
    [
        {"lon": "abc", "lat": "40"},
        {"lon": "120", "lat": "north"},
        {"lon": "", "lat": ""},
        {"lat": "40"},
        {"lon": "120"},
    ],
)
def test_non_numeric_or_missing_coordinates_are_400(db, params):
    body = assert_error_body(Client().get("/api/locate", params), 400, "invalid_input")
    assert body["details"], "validation errors should say which field is wrong"


def test_coordinates_outside_the_jurisdiction_are_a_4xx(jurisdiction):
    response = Client().get("/api/locate", {"lon": 10, "lat": 10})
    assert_error_body(response, 400, "outside_jurisdiction")


def test_too_many_query_fields_is_400_with_error_body(operator):
    params = {f"f{i}": "1" for i in range(1200)}
    assert_error_body(operator.get("/api/regions", params), 400)
