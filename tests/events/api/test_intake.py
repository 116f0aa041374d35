"""Intake over HTTP: each channel, photos, idempotency and the public rate limit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import make_user
from tests.events.api.conftest import VILLAGE_1_POINT, jpeg_bytes
from wangge.accounts.models import Role
from wangge.accounts.services import issue_token
from wangge.events.choices import Channel, State
from wangge.events.models import Attachment, Event


def _fields(categories, **extra) -> dict:
    lon, lat = VILLAGE_1_POINT
    return {"category": categories.street.pk, "title": "路灯不亮", "lon": lon, "lat": lat, **extra}


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code
    return body


def test_public_json_intake_creates_a_reported_event(client, categories):
    response = client.post(
        "/api/public/events",
        _fields(categories, reporter_name="张三丰", reporter_phone="13812345678"),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == State.REPORTED and body["duplicate"] is False
    event = Event.objects.get(tracking_code=body["tracking_code"])
    assert event.channel == Channel.PUBLIC_APP and event.reporter is None
    assert event.reporter_phone == "13812345678"
    assert "id" not in body


def test_public_multipart_intake_with_a_gps_photo(client, categories):
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(gps=(120.0501, 40.0702)), "image/jpeg")
    data = _fields(categories, channel="qr_code")
    response = client.post("/api/public/events", {**data, "photos": [photo]})
    assert response.status_code == 201, response.content
    assert response.json()["attachments"] == 1
    event = Event.objects.get(tracking_code=response.json()["tracking_code"])
    assert event.channel == Channel.QR_CODE
    attachment = event.attachments.get()
    assert attachment.exif_lon == pytest.approx(120.0501, abs=1e-4)
    assert attachment.trail_entry.action == "report"


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"hello, I am text", "invalid_upload"), (b"\xff\xd8\xff" + b"0" * 3000, "invalid_upload")],
)
def test_a_bad_photo_refuses_the_report(client, categories, data, code):
    photo = SimpleUploadedFile("p.jpg", data, "image/jpeg")
    response = client.post("/api/public/events", {**_fields(categories), "photos": [photo]})
    _error(response, 400, code)
    assert not Event.objects.exists() and not Attachment.objects.exists()


def test_an_oversize_photo_refuses_the_report(client, categories, settings):
    settings.WANGGE_UPLOAD_MAX_BYTES = 2048
    photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), "image/jpeg")
    response = client.post("/api/public/events", {**_fields(categories), "photos": [photo]})
    body = _error(response, 400, "upload_too_large")
    assert body["details"]["max_bytes"] == 2048
    assert not Event.objects.exists()


def test_idempotency_key_returns_the_first_event(client, categories):
    headers = {"HTTP_IDEMPOTENCY_KEY": "c2f0e8a4-retry-1"}
    payload = _fields(categories)
    first = client.post("/api/public/events", payload, "application/json", **headers)
    again = client.post("/api/public/events", payload, "application/json", **headers)
    other = client.post(
        "/api/public/events",
        payload,
        "application/json",
        HTTP_IDEMPOTENCY_KEY="5b1d6c0e-another-key",
    )
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert other.json()["tracking_code"] != first.json()["tracking_code"]
    assert Event.objects.count() == 2


def test_a_staff_key_never_finds_a_public_event(client, as_user, categories):
    payload, key = _fields(categories), "0f5e3a9c-shared-key"
    public = client.post(
        "/api/public/events", payload, "application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    staff = as_user("grid_worker_1").post(
        "/api/events",
        {**payload, "channel": "grid_worker"},
        "application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert public.status_code == 201 and staff.status_code == 201
    assert staff.json()["tracking_code"] != public.json()["tracking_code"]


def test_grid_worker_reports_on_patrol(as_user, cast, categories):
    response = as_user("grid_worker_1").post(
        "/api/events", _fields(categories, channel="grid_worker"), "application/json"
    )
    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert event.channel == Channel.GRID_WORKER and event.reporter == cast["grid_worker_1"]
    assert event.state == State.REPORTED


def test_grid_worker_reports_a_problem_fixed_on_the_spot(as_user, categories):
    fields = _fields(categories, channel="grid_worker", self_handled=True, result="已清理")
    response = as_user("grid_worker_1").post("/api/events", fields, "application/json")
    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert event.self_handled and event.state == State.SUBMITTED


def test_grid_worker_cannot_pose_as_the_hotline(as_user, categories):
    response = as_user("grid_worker_1").post(
        "/api/events", _fields(categories, channel="hotline"), "application/json"
    )
    _error(response, 403, "forbidden")
    assert not Event.objects.exists()


def test_operator_enters_a_call_with_photos(as_user, cast, categories):
    photo = SimpleUploadedFile("call.png", jpeg_bytes(), "image/png")
    fields = _fields(
        categories, channel="operator", reporter_name="李四", reporter_phone="13900001111"
    )
    response = as_user("village_1_operator").post("/api/events", {**fields, "photos": [photo]})
    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert event.channel == Channel.OPERATOR and event.reporter_name == "李四"
    assert event.attachments.get().content_type == "image/jpeg"


@pytest.mark.parametrize(("user", "status"), [("citizen", 403), ("department_handler", 403)])
def test_staff_intake_is_for_grid_workers_and_operators(as_user, categories, user, status):
    response = as_user(user).post(
        "/api/events", _fields(categories, channel="grid_worker"), "application/json"
    )
    _error(response, status, "forbidden")


def test_staff_intake_needs_credentials(client, categories):
    response = client.post(
        "/api/events", _fields(categories, channel="grid_worker"), "application/json"
    )
    assert response.status_code == 401
    assert not Event.objects.exists()


@pytest.fixture
def hotline_client(cast) -> Client:
    """The 12345 system: a machine user with the operator role at the county centre."""
    machine = make_user("hotline_12345", Role.OPERATOR, cast.county_centre)
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(machine, '12345 hotline')}")


def test_hotline_case_is_taken_once(hotline_client, categories):
    lon, lat = VILLAGE_1_POINT
    case = {
        "external_case_id": "12345-2026-000981",
        "category": categories.street.pk,
        "title": "楼下烧烤油烟",
        "lon": lon,
        "lat": lat,
        "caller_name": "王五",
        "caller_phone": "13700002222",
    }
    first = hotline_client.post("/api/hotline/events", case, "application/json")
    again = hotline_client.post("/api/hotline/events", case, "application/json")
    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    event = Event.objects.get()
    assert event.channel == Channel.HOTLINE and event.reporter_phone == "13700002222"


def test_hotline_intake_refuses_other_roles(as_user, categories):
    body = {"external_case_id": "x1", **_fields(categories)}
    response = as_user("grid_worker_1").post("/api/hotline/events", body, "application/json")
    _error(response, 403, "forbidden")


def test_public_intake_is_rate_limited_per_client(settings, categories):
    settings.WANGGE_RATE_LIMITS = {"public_intake": (2, 600)}
    payload = _fields(categories)
    one = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        one.post("/api/public/events", payload, "application/json").status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    _error(one.post("/api/public/events", payload, "application/json"), 429, "rate_limited")
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post("/api/public/events", payload, "application/json").status_code == 201
    assert Event.objects.count() == 3


def test_forwarded_for_does_not_escape_the_limit(settings, categories):
    settings.WANGGE_RATE_LIMITS = {"public_intake": (1, 600)}
    payload = _fields(categories)
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post("/api/public/events", payload, "application/json")
    response = client.post(
        "/api/public/events", payload, "application/json", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert response.status_code == 429


@pytest.mark.parametrize("key", ["k" * 201, "short-guessable"])
def test_an_overlong_or_guessable_public_key_is_refused(client, categories, key):
    response = client.post(
        "/api/public/events", _fields(categories), "application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    _error(response, 400, "invalid_input")
    assert not Event.objects.exists()


def test_too_many_photos_are_refused(client, categories, settings):
    settings.WANGGE_UPLOAD_MAX_FILES = 2
    photos = [
        SimpleUploadedFile(f"{i}.jpg", jpeg_bytes(size=(8, 8)), "image/jpeg") for i in range(3)
    ]
    response = client.post("/api/public/events", {**_fields(categories), "photos": photos})
    _error(response, 400, "too_many_uploads")
    assert not Event.objects.exists()
