"""Actions that take photos: multipart/form-data beside JSON, photos on the action's trail entry."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from tests.events.api.conftest import image_bytes, jpeg_bytes
from wangge.api.forms import form_fields
from wangge.events.api.schemas import action_schema
from wangge.events.models import Attachment, Event
from wangge.events.services import perform
from wangge.events.workflow import ACTIONS
from wangge.routes import api


def _photo(data: bytes | None = None, name: str = "result.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or jpeg_bytes(gps=(120.05, 40.07)), "image/jpeg")


@pytest.fixture
def handling(report, cast):
    """An event the department has signed for: next comes its result (反馈)."""
    event = report()
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator)
    perform(event.pk, "dispatch", operator, lead_department=cast.department.pk)
    perform(event.pk, "sign", cast["department_handler"])
    return Event.objects.get(pk=event.pk)


def _submit(client, event, data, **extra):
    return client.post(f"/api/events/{event.pk}/actions/submit_result", data, **extra)


def _stored_files() -> list[str]:
    if not default_storage.exists("attachments"):
        return []
    found, stack = [], ["attachments"]
    while stack:
        folder = stack.pop()
        folders, files = default_storage.listdir(folder)
        stack += [f"{folder}/{name}" for name in folders]
        found += files
    return found


def test_result_with_photos_attaches_them_to_the_result_entry(as_user, handling):
    response = _submit(
        as_user("department_handler"),
        handling,
        {"result": "已修复", "photos": [_photo(), _photo(image_bytes("PNG"), "b.png")]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted" and body["entry"]["action"] == "submit_result"
    sequence = body["entry"]["sequence"]
    assert [a["trail_sequence"] for a in body["attachments"]] == [sequence, sequence]
    assert {a["content_type"] for a in body["attachments"]} == {"image/jpeg", "image/png"}
    stored = Attachment.objects.filter(event=handling)
    assert [a.trail_entry.action for a in stored] == ["submit_result", "submit_result"]
    assert all(a.uploaded_by.username == "department_handler" for a in stored)
    detail = as_user("village_1_operator").get(f"/api/events/{handling.pk}").json()
    assert [a["id"] for a in detail["attachments"]] == [a["id"] for a in body["attachments"]]
    assert detail["parts"][0]["result"] == "已修复"


def test_json_still_works_and_attaches_nothing(as_user, handling):
    response = _submit(
        as_user("department_handler"),
        handling,
        {"result": "已修复"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["attachments"] == []
    assert not Attachment.objects.exists()


def test_form_fields_without_photos_work_too(as_user, handling):
    response = _submit(as_user("department_handler"), handling, {"result": "已修复"})
    assert response.status_code == 200, response.content
    assert Event.objects.get(pk=handling.pk).state == "submitted"


@pytest.mark.parametrize(
    ("photos", "code"),
    [
        ([_photo(b"not an image at all", "x.jpg")], "invalid_upload"),
        ([_photo(), _photo(image_bytes("GIF"), "x.gif")], "invalid_upload"),
    ],
    ids=["text", "one-gif-among-good"],
)
def test_a_bad_photo_refuses_the_action(as_user, handling, photos, code):
    response = _submit(as_user("department_handler"), handling, {"result": "x", "photos": photos})
    assert response.status_code == 400 and response.json()["code"] == code
    fresh = Event.objects.get(pk=handling.pk)
    assert (fresh.state, fresh.version) == (handling.state, handling.version)
    assert not Attachment.objects.exists() and _stored_files() == []


def test_too_many_photos_are_refused(as_user, handling, settings):
    settings.WANGGE_UPLOAD_MAX_FILES = 1
    response = _submit(
        as_user("department_handler"), handling, {"result": "x", "photos": [_photo(), _photo()]}
    )
    assert response.status_code == 400 and response.json()["code"] == "too_many_uploads"
    assert Event.objects.get(pk=handling.pk).state == "handling"


def test_a_refused_action_stores_no_photo(as_user, handling):
    # The centre is not the department holding the part: the action and its photo are refused.
    response = _submit(
        as_user("village_1_operator"), handling, {"result": "x", "photos": [_photo()]}
    )
    assert response.status_code == 403
    stale = _submit(
        as_user("department_handler"),
        handling,
        {"result": "x", "expected_version": str(handling.version - 1), "photos": [_photo()]},
    )
    assert stale.status_code == 409 and stale.json()["code"] == "state_conflict"
    assert not Attachment.objects.exists() and _stored_files() == []


def test_form_values_are_validated_like_json(as_user, handling):
    client = as_user("department_handler")
    missing = _submit(client, handling, {"result": "  ", "photos": [_photo()]})
    assert missing.status_code == 400 and missing.json()["code"] == "missing_field"
    unknown = _submit(client, handling, {"result": "x", "state": "closed"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid_input"
    bad_version = _submit(client, handling, {"result": "x", "expected_version": "abc"})
    assert bad_version.status_code == 400 and bad_version.json()["code"] == "invalid_input"
    nul = _submit(client, handling, {"result": "a\x00b", "photos": [_photo()]})
    assert nul.status_code == 400 and nul.json()["code"] == "invalid_input"
    assert not Attachment.objects.exists()


def test_files_under_another_name_are_refused(as_user, handling):
    response = _submit(as_user("department_handler"), handling, {"result": "x", "file": _photo()})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert Event.objects.get(pk=handling.pk).state == "handling"


def test_actions_without_photos_refuse_a_form_body(as_user, report):
    event = report()
    response = as_user("village_1_operator").post(
        f"/api/events/{event.pk}/actions/accept", {"comment": "收到", "photos": [_photo()]}
    )
    assert response.status_code == 400
    assert Event.objects.get(pk=event.pk).state == "reported"


def test_verification_and_check_take_photos_too(as_user, report, cast):
    event = report()
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator)
    perform(event.pk, "request_verification", operator)
    verified = as_user("grid_worker_1").post(
        f"/api/events/{event.pk}/actions/verify", {"findings": "属实", "photos": [_photo()]}
    )
    assert verified.status_code == 200, verified.content
    perform(event.pk, "dispatch", operator, lead_department=cast.department.pk)
    perform(event.pk, "sign", cast["department_handler"])
    perform(event.pk, "submit_result", cast["department_handler"], result="已处理")
    checked = as_user("grid_worker_1").post(
        f"/api/events/{event.pk}/actions/check_pass", {"comment": "已复核", "photos": [_photo()]}
    )
    assert checked.status_code == 200, checked.content
    actions = list(
        Attachment.objects.filter(event=event)
        .order_by("pk")
        .values_list("trail_entry__action", flat=True)
    )
    assert actions == ["verify", "check_pass"]


def test_photo_actions_document_both_encodings():
    schema = api.get_openapi_schema(path_prefix="/api/")
    for name in [name for name, spec in ACTIONS.items() if spec.photos and not spec.intake]:
        body = schema["paths"][f"/api/events/{{event_id}}/actions/{name}"]["post"]["requestBody"]
        form = body["content"]["multipart/form-data"]["schema"]
        assert "application/json" in body["content"]
        assert set(form["properties"]) == {f.name for f in ACTIONS[name].fields} | {
            "expected_version",
            "photos",
        }
        assert set(form["required"]) == {f.name for f in ACTIONS[name].required_fields}


def test_list_fields_take_every_form_value():
    schema = action_schema(ACTIONS["dispatch"], staff=True)
    request = RequestFactory().post(
        "/", {"lead_department": "3", "assist_departments": ["4", "5"], "instruction": "请办理"}
    )
    assert form_fields(request, schema) == {
        "lead_department": "3",
        "assist_departments": ["4", "5"],
        "instruction": "请办理",
    }
