"""Odd input never makes the API fail with a 5xx; every refusal has the error body."""

from urllib.parse import quote

import pytest

from tests.api.conftest import assert_error_body, standard_json

ODD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "-1e309",
    "1" + "0" * 400,
    "nan",
    "inf",
    "-inf",
    "0x1F",
    "1,2,3,4" * 50,
    "网格",
    "😀🏳️‍🌈",
    "\u202e\u0000",
    "\x00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%",
    "9" * 5000,
]

# (template, how the odd value is placed): each slot of each endpoint.
SLOTS = [
    ("/api/regions", lambda v: {"parent": v}),
    ("/api/regions/{}", None),
    ("/api/grids", lambda v: {"bbox": v}),
    ("/api/grids/{}", None),
    ("/api/locate", lambda v: {"lon": v, "lat": "40.07"}),
    ("/api/locate", lambda v: {"lon": "120.05", "lat": v}),
    ("/api/locate", lambda v: {"lon": "120.05", "lat": "40.07", "crs": v}),
    ("/api/me", lambda v: {"unexpected": v}),
]


@pytest.mark.parametrize(("template", "params"), SLOTS)
def test_odd_input_never_causes_a_server_error(as_user, template, params):
    client = as_user("county_operator")
    for value in ODD_VALUES:
        if params is None:
            response = client.get(template.format(quote(value, safe="")))
        else:
            response = client.get(template, params(value))
        assert response.status_code < 500, (template, value, response.content[:300])
        if response.status_code >= 400:
            assert_error_body(response, response.status_code)
        elif response.status_code == 200:
            standard_json(response)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"name": "a\\u0000b"}', "application/json"),
        ('{"name": "a\\\\\\u0000b"}', "application/json"),
        ('{"name": "a\x00b"}', "application/json"),
        ("name=a%00b", "application/x-www-form-urlencoded"),
    ],
)
def test_nul_in_a_text_body_is_refused_before_any_query(as_user, body, content_type):
    """PostgreSQL cannot store NUL in text; the API refuses it up front for every operation."""
    response = as_user("county_operator").generic("GET", "/api/me", body, content_type)
    assert_error_body(response, 400, "invalid_input")


def test_escaped_backslash_before_u0000_is_not_a_nul(as_user):
    response = as_user("county_operator").generic(
        "GET", "/api/me", '{"name": "a\\\\u0000b"}', "application/json"
    )
    assert response.status_code == 200


def test_nul_in_any_repeated_query_value_is_refused(as_user):
    client = as_user("county_operator")
    response = client.get("/api/regions", {"parent": ["\x00", "211421000000"]})
    assert_error_body(response, 400, "invalid_input")
