"""Odd input on every events endpoint gets a 4xx with the error body, never a 5xx."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.events.workflow import ACTIONS

ODD = [
    "",
    " ",
    "-1",
    "0",
    "1e309",
    "nan",
    "-inf",
    "9" * 400,
    "\x00",
    "a\x00b",
    "😀",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "网格",
    "true",
    "[]",
    "{}",
]
ODD_JSON = [None, True, -1, 0, 1e308, "x" * 5000, [], {}, [1, "a"], {"a": 1}, "\x00", "nan"]
LIST_PARAMS = [
    "state",
    "category",
    "region",
    "grid",
    "unit",
    "channel",
    "priority",
    "overdue",
    "card_level",
    "created_from",
    "created_to",
    "q",
    "limit",
    "cursor",
]
INTAKE_FIELDS = ["category", "title", "lon", "lat", "crs", "channel", "reporter_phone"]


def _assert_refusal_or_ok(response, context) -> None:
    assert response.status_code < 500, (context, response.content[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "details"}, (context, body)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """Odd values must reach validation and the services, not stop at the limiter."""
    settings.WANGGE_RATE_LIMITS = {"public_intake": (10_000, 600), "public_track": (10_000, 600)}


@pytest.fixture
def event(report):
    return report()


@pytest.mark.parametrize("param", LIST_PARAMS)
def test_list_parameters(as_user, event, param):
    client = as_user("county_operator")
    for value in ODD:
        _assert_refusal_or_ok(client.get("/api/events", {param: value}), (param, value))


def test_path_parameters(as_user, client, event):
    staff = as_user("county_operator")
    for value in ODD:
        quoted = quote(value, safe="")
        _assert_refusal_or_ok(staff.get(f"/api/events/{quoted}"), value)
        _assert_refusal_or_ok(client.get(f"/api/track/{quoted}"), value)
        _assert_refusal_or_ok(
            client.post(f"/api/track/{quoted}/withdraw", {}, "application/json"), value
        )
        _assert_refusal_or_ok(
            staff.post(f"/api/events/{quoted}/actions/accept", {}, "application/json"), value
        )


def _intake_body(categories, **override) -> dict:
    body = {"category": categories.street.pk, "title": "t", "lon": 120.05, "lat": 40.07}
    body.update(override)
    return body


@pytest.mark.parametrize("field", INTAKE_FIELDS)
def test_intake_fields(client, as_user, categories, field):
    staff = as_user("village_1_operator")
    for value in ODD_JSON + ODD:
        body = _intake_body(categories, **{field: value})
        _assert_refusal_or_ok(
            client.post("/api/public/events", body, "application/json"), (field, value)
        )
        staff_body = {"channel": "operator", **body}
        _assert_refusal_or_ok(staff.post("/api/events", staff_body, "application/json"), value)
        hotline = {"external_case_id": "c1", **body}
        hotline.pop("channel", None)
        _assert_refusal_or_ok(staff.post("/api/hotline/events", hotline, "application/json"), value)


def test_outside_the_jurisdiction_and_unknown_category(client, categories):
    far = client.post(
        "/api/public/events", _intake_body(categories, lon=10.0, lat=10.0), "application/json"
    )
    assert far.status_code == 400 and far.json()["code"] == "outside_jurisdiction"
    unknown = client.post(
        "/api/public/events", _intake_body(categories, category=99999), "application/json"
    )
    assert unknown.status_code == 400


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"[]", b'"text"', b"null", b"\xff\xfe", b'{"title": "\\u0000"}', b"1" * 10000],
)
def test_malformed_bodies(client, as_user, event, raw):
    staff = as_user("village_1_operator")
    for url, who in [
        ("/api/public/events", client),
        ("/api/events", staff),
        ("/api/hotline/events", staff),
        (f"/api/events/{event.pk}/actions/accept", staff),
        (f"/api/track/{event.tracking_code}/withdraw", client),
    ]:
        _assert_refusal_or_ok(who.generic("POST", url, raw, "application/json"), (url, raw))


def test_multipart_oddities(client, categories):
    base = {k: str(v) for k, v in _intake_body(categories).items()}
    cases = [
        {**base, "photos": "not-a-file"},
        {**base, "lon": "abc"},
        {**base, "title": "a\x00b"},
        {**base, "photos": [SimpleUploadedFile("empty.jpg", b"", "image/jpeg")]},
        {**base, "photos": [SimpleUploadedFile("x.jpg", b"GIF89a" + b"\x00" * 50, "image/gif")]},
    ]
    for data in cases:
        _assert_refusal_or_ok(client.post("/api/public/events", data), data.get("photos"))


@pytest.mark.parametrize("action", [n for n, s in ACTIONS.items() if not s.intake])
def test_action_bodies(as_user, event, action):
    client = as_user("village_1_operator")
    spec = ACTIONS[action]
    names = [f.name for f in spec.fields] + ["expected_version", "unknown"]
    for name in names:
        for value in ODD_JSON:
            response = client.post(
                f"/api/events/{event.pk}/actions/{action}", {name: value}, "application/json"
            )
            _assert_refusal_or_ok(response, (action, name, value))
