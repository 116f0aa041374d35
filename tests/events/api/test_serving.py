"""Photos are reachable: originals for staff in scope through the API, public copies for anyone
holding the link (the tracking-code view), and nothing private under /media/."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.events.api.conftest import VILLAGE_1_POINT, VILLAGE_2_POINT, jpeg_bytes, store
from wangge.events.attachments import public_name
from wangge.events.models import Attachment
from wangge.events.services import perform

GPS = (120.0512, 40.0731)


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def photo(report) -> Attachment:
    event = report()
    upload = SimpleUploadedFile("p.jpg", jpeg_bytes(gps=GPS), "image/jpeg")
    [saved] = store(event, event.trail.first(), [upload], None)
    return saved


def _original(photo: Attachment) -> str:
    return f"/api/events/{photo.event_id}/attachments/{photo.pk}"


def test_staff_download_the_original_with_its_exif(as_user, photo):
    response = as_user("village_1_operator").get(_original(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    with default_storage.open(photo.file.name) as handle:
        assert _content(response) == handle.read()
    assert Image.open(
        io.BytesIO(_content(as_user("county_operator").get(_original(photo))))
    ).getexif()


def test_the_thumbnail_is_small_and_bare(as_user, photo):
    response = as_user("grid_worker_1").get(_original(photo) + "/thumbnail")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(_content(response)))
    assert max(image.size) <= 320 and not image.getexif()


# Every role against the download: staff in whose scope the event lies get it; staff of
# another township get a 404 (as for the detail); other roles 403; no credentials 401.
EXPECTED = {
    "county_operator": 200,
    "township_1_operator": 200,
    "village_1_operator": 200,
    "grid_worker_1": 200,
    "department_handler": 200,
    "leader": 200,
    "system_admin": 200,
    "township_2_operator": 404,
    "grid_worker_2": 404,
    "security_admin": 403,
    "audit_admin": 403,
    "citizen": 403,
}


@pytest.mark.parametrize("suffix", ["", "/thumbnail"])
@pytest.mark.parametrize(("user", "status"), EXPECTED.items())
def test_download_follows_role_and_scope(as_user, photo, user, status, suffix):
    response = as_user(user).get(_original(photo) + suffix)
    assert response.status_code == status
    if status != 200:
        assert response.json()["code"] in ("attachment_not_found", "forbidden")


@pytest.mark.parametrize("suffix", ["", "/thumbnail"])
def test_download_needs_credentials(client, photo, suffix):
    response = client.get(_original(photo) + suffix)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_photo_is_only_found_under_its_own_event(as_user, photo, report):
    other = report(point=VILLAGE_2_POINT)
    client = as_user("county_operator")
    response = client.get(f"/api/events/{other.pk}/attachments/{photo.pk}")
    assert response.status_code == 404 and response.json()["code"] == "attachment_not_found"
    assert client.get(f"/api/events/{photo.event_id}/attachments/{2**63}").status_code == 404


def test_a_lost_file_is_a_404_not_a_500(as_user, photo):
    default_storage.delete(photo.file.name)
    response = as_user("county_operator").get(_original(photo))
    assert response.status_code == 404 and response.json()["code"] == "attachment_missing"


def test_the_public_copy_is_served_to_anyone_without_metadata(client, photo):
    url = default_storage.url(public_name(photo))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "immutable" in response["Cache-Control"]
    image = Image.open(io.BytesIO(_content(response)))
    assert not image.getexif() and image.size == (800, 600)
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_nothing_private_is_reachable_under_media(client, photo):
    sha = photo.sha256
    for url in [
        "/media/" + photo.file.name,
        "/media/" + photo.thumbnail.name,
        f"/media/public/{sha[:2]}/{sha}.gif",
        f"/media/public/00/{sha}.jpg",  # the shard must match the name
        f"/media/public/{sha[:2]}/..%2F..%2F{photo.file.name}",
        f"/media/public/{sha[:2]}/{sha[:40]}.jpg",
    ]:
        assert client.get(url).status_code == 404, url


def test_every_link_the_api_returns_answers(client, as_user, report, cast):
    """The detail's and the tracking view's links, fetched as the people who get them."""
    lon, lat = VILLAGE_1_POINT
    reported = client.post(
        "/api/public/events",
        {
            "category": report().category_id,
            "title": "井盖缺失",
            "lon": lon,
            "lat": lat,
            "photos": [SimpleUploadedFile("a.jpg", jpeg_bytes(gps=GPS), "image/jpeg")],
        },
    )
    assert reported.status_code == 201, reported.content
    code = reported.json()["tracking_code"]
    operator = as_user("village_1_operator")
    event_id = next(
        row["id"]
        for row in operator.get("/api/events").json()["results"]
        if row["tracking_code"] == code
    )
    operator_user = cast["village_1_operator"]
    perform(event_id, "accept", operator_user)
    perform(event_id, "dispatch", operator_user, lead_department=cast.department.pk)
    perform(event_id, "sign", cast["department_handler"])
    result = SimpleUploadedFile("r.jpg", jpeg_bytes(), "image/jpeg")
    submitted = as_user("department_handler").post(
        f"/api/events/{event_id}/actions/submit_result", {"result": "已补装", "photos": [result]}
    )
    assert submitted.status_code == 200, submitted.content

    detail = operator.get(f"/api/events/{event_id}").json()
    assert len(detail["attachments"]) == 2
    for item in detail["attachments"]:
        for key in ("url", "thumbnail_url"):
            assert operator.get(item[key]).status_code == 200, item[key]
        assert client.get(item["public_url"]).status_code == 200, item["public_url"]

    track = client.get(f"/api/track/{code}").json()
    assert [p["action"] for p in track["photos"]] == ["report", "submit_result"]
    assert {p["url"] for p in track["photos"]} == {a["public_url"] for a in detail["attachments"]}
    for item in track["photos"]:
        assert client.get(item["url"]).status_code == 200


def test_the_tracking_view_leaves_out_photos_of_checks(client, report, cast):
    event = report()
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator)
    perform(event.pk, "request_verification", operator)
    entry = perform(event.pk, "verify", cast["grid_worker_1"], findings="属实").entry
    upload = SimpleUploadedFile("v.jpg", jpeg_bytes(), "image/jpeg")
    store(event, entry, [upload], cast["grid_worker_1"])
    assert client.get(f"/api/track/{event.tracking_code}").json()["photos"] == []
