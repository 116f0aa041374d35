"""The grid-worker app's pages: rendered per role and scope, task actions through perform,
the service worker and the manifest."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.events.api.conftest import jpeg_bytes
from tests.fieldwork.conftest import T1_NORTH, T2_NORTH
from wangge.events.choices import State
from wangge.events.models import Attachment, Event
from wangge.events.services import perform

XSS = "<script>alert(1)</script>"


@pytest.fixture
def worker_client(client, assigned):
    client.force_login(assigned["grid_worker_1"])
    return client


def test_tasks_page_shows_my_grid_and_my_tasks_as_text(worker_client, verifying, assigned):
    verifying(T1_NORTH, XSS)
    verifying(T2_NORTH, "二号镇的事", operator="township_2_operator")
    page = worker_client.get("/field/").content.decode()
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "二号镇的事" not in page
    grids = json.loads(
        page.split('id="my-grids" type="application/json">')[1].split("</script>")[0]
    )
    assert [f["properties"]["code"] for f in grids["features"]] == [
        assigned.jurisdiction.grids["t1_north"].code
    ]
    assert 'rel="manifest"' in page


def test_report_and_patrol_pages_offer_the_camera_and_the_grids(worker_client, hazard):
    report = worker_client.get("/field/report/").content.decode()
    assert 'accept="image/*" capture="environment"' in report and hazard.name in report
    patrol = worker_client.get("/field/patrol/").content.decode()
    assert 'id="p-start"' in patrol and "一村第一网格" in patrol


def test_a_worker_without_a_grid_is_told_so(client, cast):
    client.force_login(cast["grid_worker_1"])
    assert "您还没有分配网格" in client.get("/field/patrol/").content.decode()


def test_verify_from_the_task_list(worker_client, verifying):
    event = verifying(T1_NORTH)
    url = f"/field/tasks/{event.pk}/verify/"
    response = worker_client.post(url, {"findings": "属实", "version": event.version})
    assert response.status_code == 302 and response["Location"] == "/field/"
    event.refresh_from_db()
    assert event.state == State.ACCEPTED
    assert event.trail.last().comment == "属实"


def _png() -> SimpleUploadedFile:
    image, out = Image.new("RGB", (32, 24), (30, 120, 60)), io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("site.png", out.getvalue(), "image/png")


def _photo_of(event: Event, action: str) -> Attachment:
    entry = event.trail.get(action=action)
    return Attachment.objects.get(event=event, trail_entry=entry)


def test_verify_with_a_photo_from_the_task_list(worker_client, verifying, assigned):
    event = verifying(T1_NORTH)
    jpeg = SimpleUploadedFile("site.jpg", jpeg_bytes(), "image/jpeg")
    data = {"findings": "属实", "version": event.version, "photos": [jpeg]}
    response = worker_client.post(f"/field/tasks/{event.pk}/verify/", data)
    assert response.status_code == 302
    photo = _photo_of(event, "verify")
    assert photo.content_type == "image/jpeg"
    assert photo.uploaded_by == assigned["grid_worker_1"]


def test_check_pass_with_a_photo_from_the_task_list(worker_client, verifying, assigned):
    event = verifying(T1_NORTH)
    perform(event.pk, "verify", assigned["grid_worker_1"], findings="属实")
    operator, handler = assigned["village_1_operator"], assigned["department_handler"]
    perform(event.pk, "dispatch", operator, lead_department=assigned.department.pk)
    perform(event.pk, "sign", handler)
    perform(event.pk, "submit_result", handler, result="已补装井盖")
    data = {"comment": "已复核", "photos": [_png()]}
    response = worker_client.post(f"/field/tasks/{event.pk}/check_pass/", data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == State.CLOSED
    assert _photo_of(event, "check_pass").content_type == "image/png"


def test_a_bad_photo_refuses_the_verification(worker_client, verifying):
    event = verifying(T1_NORTH)
    bad = SimpleUploadedFile("site.jpg", b"not an image", "image/jpeg")
    url = f"/field/tasks/{event.pk}/verify/"
    page = worker_client.post(url, {"findings": "属实", "photos": [bad]}, follow=True)
    assert "文件不是有效的图片" in page.content.decode()
    event.refresh_from_db()
    assert event.state == State.VERIFYING and not Attachment.objects.exists()
    assert list(event.trail.values_list("action", flat=True)) == [
        "report",
        "accept",
        "request_verification",
    ]


def test_refusals_are_shown_and_change_nothing(worker_client, verifying):
    event = verifying(T1_NORTH)
    missing = worker_client.post(f"/field/tasks/{event.pk}/verify/", {}, follow=True)
    assert "请填写核实情况" in missing.content.decode()
    stale = worker_client.post(
        f"/field/tasks/{event.pk}/verify/", {"findings": "x", "version": event.version - 1}
    )
    assert stale.status_code == 302
    assert worker_client.post(f"/field/tasks/{event.pk}/dispatch/", {}).status_code == 404
    assert worker_client.get(f"/field/tasks/{event.pk}/verify/").status_code == 405
    assert worker_client.post("/field/tasks/999999/verify/", {"findings": "x"}).status_code == 302
    other = verifying(T2_NORTH, operator="township_2_operator")
    worker_client.post(f"/field/tasks/{other.pk}/verify/", {"findings": "越权"})
    assert set(Event.objects.values_list("state", flat=True)) == {State.VERIFYING}


def test_task_actions_need_the_grid_worker_role(client, assigned, verifying):
    event = verifying(T1_NORTH)
    url = f"/field/tasks/{event.pk}/verify/"
    assert client.post(url, {"findings": "x"})["Location"].startswith("/login/")
    for name, user in assigned.users.items():
        if user.has_role("grid_worker"):
            continue
        client.force_login(user)
        assert client.post(url, {"findings": "x"}).status_code == 403, name
    event.refresh_from_db()
    assert event.state == State.VERIFYING


def test_service_worker_covers_the_app_and_caches_its_shell(client, db):
    response = client.get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    body = response.content.decode()
    shell = json.loads(body.split("const SHELL = ")[1].split(";\n")[0])
    assert shell["pages"] == [
        "/field/",
        "/field/report/",
        "/field/patrol/",
        "/field/visit/",
        "/field/inspect/",
        "/field/diary/",
        "/field/points/",
    ]
    assert "/static/web/field/field.js" in shell["files"]
    assert "/static/vendor/leaflet/dist/leaflet.js" in shell["files"]
    assert all(not f.startswith("/static/vendor/echarts") for f in shell["files"])


def test_manifest_makes_the_app_installable(client, db):
    response = client.get("/field/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert data["start_url"] == data["scope"] == "/field/"
    assert data["display"] == "standalone" and data["icons"]
