"""Seed 000, replayed through the HTTP API as the people in it would.

A citizen reports electric bikes for sale blocking the pavement (电动车占道经营) in the public
app with a photo; the centre accepts it, a grid worker verifies it on site, the centre
dispatches it to 行政执法局, which signs, handles and reports back; the centre checks and
closes it, and the citizen rates it by tracking code.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.events.api.conftest import VILLAGE_1_POINT, jpeg_bytes
from wangge.events.models import Category


def _act(client: Client, event_id: int, action: str, body: dict | None = None) -> dict:
    response = client.post(
        f"/api/events/{event_id}/actions/{action}", body or {}, content_type="application/json"
    )
    assert response.status_code == 200, (action, response.content)
    return response.json()


def test_pavement_trading_story_from_the_public_app_to_the_rating(client, cast, as_user):
    street = Category.objects.create(
        code="urban.street.bikes",
        name="占道经营",
        default_department=cast.department,
        needs_verification=True,
    )
    lon, lat = VILLAGE_1_POINT
    photo = SimpleUploadedFile("bikes.jpg", jpeg_bytes(), "image/jpeg")
    reported = client.post(
        "/api/public/events",
        {
            "category": street.pk,
            "title": "新街口路段电动车商家占用人行道经营",
            "lon": lon,
            "lat": lat,
            "reporter_phone": "13812345678",
            "photos": [photo],
        },
    )
    assert reported.status_code == 201, reported.content
    code = reported.json()["tracking_code"]

    operator = as_user("village_1_operator")
    listed = operator.get("/api/events", {"state": "reported"}).json()
    event_id = next(row["id"] for row in listed["results"] if row["tracking_code"] == code)

    _act(operator, event_id, "accept", {"comment": "已受理"})
    refused = operator.post(
        f"/api/events/{event_id}/actions/dispatch",
        {"lead_department": cast.department.pk},
        content_type="application/json",
    )
    assert refused.status_code == 409, "a category needing verification is verified first"
    _act(operator, event_id, "request_verification", {"instruction": "请现场核实"})
    _act(as_user("grid_worker_1"), event_id, "verify", {"findings": "情况属实，人行道被占"})
    _act(
        operator,
        event_id,
        "dispatch",
        {"lead_department": cast.department.pk, "instruction": "请依法整治占道经营"},
    )
    handler = as_user("department_handler")
    _act(handler, event_id, "sign")
    _act(handler, event_id, "submit_result", {"result": "已清理占道车辆，商家承诺不再占道"})
    closed = _act(operator, event_id, "check_pass", {"comment": "现场复核通过"})
    assert closed["state"] == "closed"

    rated = client.post(
        f"/api/track/{code}/evaluate", {"rating": "very_satisfied"}, "application/json"
    )
    assert rated.status_code == 200, rated.content

    detail = operator.get(f"/api/events/{event_id}").json()
    assert detail["state"] == "closed" and detail["rating"] == "very_satisfied"
    assert [entry["action"] for entry in detail["trail"]] == [
        "report",
        "accept",
        "request_verification",
        "verify",
        "dispatch",
        "sign",
        "submit_result",
        "check_pass",
        "evaluate",
    ]
    assert detail["reporter_phone"] == "138****5678"
    public = client.get(f"/api/track/{code}").json()
    assert public["state"] == "closed"
    assert "13812345678" not in str(public) and "department_handler" not in str(public)
