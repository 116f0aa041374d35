"""Event detail, the public tracking view and the masking of reporter contact."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.events.api.conftest import VILLAGE_2_POINT, jpeg_bytes, store
from wangge.events.services import perform

PHONE = "13812345678"
NAME = "张三丰"


@pytest.fixture
def event(report, cast):
    event = report(reporter_name=NAME, reporter_phone=PHONE, description="详见照片")
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(gps=(120.05, 40.07)), "image/jpeg")
    store(event, event.trail.first(), [photo], None)
    perform(event.pk, "accept", cast["village_1_operator"], comment="已受理，请等待派遣")
    return event


def _no_contact(response) -> None:
    text = response.content.decode()
    assert PHONE not in text and NAME not in text


def test_detail_has_parts_attachments_clocks_and_trail(as_user, event):
    response = as_user("township_1_operator").get(f"/api/events/{event.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "accepted" and body["description"] == "详见照片"
    assert [t["action"] for t in body["trail"]] == ["report", "accept"]
    assert body["trail"][1]["actor"] == "village_1_operator"
    [photo] = body["attachments"]
    assert photo["url"] == f"/api/events/{event.pk}/attachments/{photo['id']}"
    assert photo["public_url"].startswith("/media/public/")
    assert photo["thumbnail_url"] == photo["url"] + "/thumbnail"
    assert photo["exif_lat"] == pytest.approx(40.07, abs=1e-4)
    assert photo["trail_sequence"] == body["trail"][0]["sequence"]
    assert body["parts"] == [] and isinstance(body["clocks"], list)
    assert body["reporter_name"] == "张**" and body["reporter_phone"] == "138****5678"
    _no_contact(response)


def test_contact_is_masked_in_the_list(as_user, event):
    response = as_user("county_operator").get("/api/events")
    [row] = response.json()["results"]
    assert (row["reporter_name"], row["reporter_phone"]) == ("张**", "138****5678")
    _no_contact(response)


def test_anonymous_reporter_shows_no_contact_at_all(as_user, report):
    hidden = report(reporter_name="匿名者", reporter_phone=PHONE, is_anonymous=True)
    body = as_user("county_operator").get(f"/api/events/{hidden.pk}").json()
    assert body["reporter_name"] == "" and body["reporter_phone"] == ""


def test_detail_out_of_scope_is_not_found(as_user, report):
    elsewhere = report(point=VILLAGE_2_POINT)
    response = as_user("township_1_operator").get(f"/api/events/{elsewhere.pk}")
    assert response.status_code == 404 and response.json()["code"] == "event_not_found"
    assert as_user("township_2_operator").get(f"/api/events/{elsewhere.pk}").status_code == 200


def test_missing_event_is_not_found(as_user, db, cast):
    response = as_user("county_operator").get("/api/events/999999")
    assert response.status_code == 404 and response.json()["code"] == "event_not_found"


def test_script_in_a_title_comes_back_as_inert_json_data(client, as_user, categories):
    title = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    created = client.post(
        "/api/public/events",
        {"category": categories.street.pk, "title": title, "lon": 120.05, "lat": 40.07},
        content_type="application/json",
    )
    assert created.status_code == 201
    response = as_user("county_operator").get("/api/events")
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["results"][0]["title"] == title


def test_track_shows_progress_without_staff_or_contact(client, event):
    response = client.get(f"/api/track/{event.tracking_code.lower()}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "accepted" and body["category"] == "占道经营"
    assert [(s["action"], s["state"]) for s in body["timeline"]] == [
        ("report", "reported"),
        ("accept", "accepted"),
    ]
    assert set(body["timeline"][0]) == {"action", "label", "state", "state_label", "at"}
    text = response.content.decode()
    assert "village_1_operator" not in text and "请等待派遣" not in text
    assert "综治中心" not in text
    _no_contact(response)


@pytest.mark.parametrize("code", ["NOPE12345678", "x", "a" * 30, "网格网格", "%20"])
def test_unknown_tracking_code_is_not_found(client, db, code):
    response = client.get(f"/api/track/{code}")
    assert response.status_code == 404 and response.json()["code"] == "tracking_not_found"


def test_withdraw_by_tracking_code(client, report):
    mine = report()
    response = client.post(
        f"/api/track/{mine.tracking_code}/withdraw", {"reason": "已自行解决"}, "application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "withdrawn"
    mine.refresh_from_db()
    assert mine.state == "withdrawn" and mine.trail.last().actor is None


def test_evaluate_before_closing_is_a_conflict(client, report):
    mine = report()
    response = client.post(
        f"/api/track/{mine.tracking_code}/evaluate", {"rating": "satisfied"}, "application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "state_conflict"
    mine.refresh_from_db()
    assert mine.state == "reported" and mine.rating == ""


def test_track_is_rate_limited(client, settings, event):
    settings.WANGGE_RATE_LIMITS = {"public_track": (3, 600)}
    statuses = [client.get(f"/api/track/{event.tracking_code}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
