"""The department workspace without a browser: queue by deadline, sign, return, result with
photos, extension; roles, scope and bad input."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import make_user
from tests.web.console.conftest import jpeg_bytes
from wangge.accounts.models import OrgUnit, Role, UnitKind
from wangge.events.choices import State
from wangge.events.models import Attachment, TrailEntry

NOT_HANDLERS = ["county_operator", "grid_worker_1", "leader", "system_admin", "citizen"]


def _post(client, event, action, **data):
    return client.post(
        f"/department/events/{event.pk}/act/{action}/", {"version": event.version, **data}
    )


def test_queue_lists_own_parts_by_deadline(cast, client, dispatched):
    later = dispatched(title="后派遣的事件")
    earlier = dispatched(title="先派遣的事件", now=timezone.now() - timedelta(hours=2))
    client.force_login(cast["department_handler"])
    body = client.get("/department/").content.decode()
    assert body.index("先派遣的事件") < body.index("后派遣的事件")
    assert f"/department/events/{earlier.pk}/" in body and f"/department/events/{later.pk}/" in body


def test_another_departments_queue_is_empty(cast, client, dispatched, jurisdiction):
    dispatched()
    other = OrgUnit.objects.create(
        name="交通局", kind=UnitKind.DEPARTMENT, level="county", region=jurisdiction.county
    )
    client.force_login(make_user("traffic", Role.DEPARTMENT_HANDLER, other))
    assert "人行道被占用" not in client.get("/department/").content.decode()


def test_pages_by_role(cast, client, dispatched):
    event = dispatched()
    for path in ("/department/", f"/department/events/{event.pk}/"):
        client.logout()
        assert client.get(path)["Location"].startswith("/login/")
        for name in NOT_HANDLERS:
            client.force_login(cast[name])
            assert client.get(path).status_code == 403, (path, name)
        client.force_login(cast["department_handler"])
        assert client.get(path).status_code == 200
    assert client.get("/department/events/999999/").status_code == 404
    assert client.get(f"/department/events/{event.pk}/act/sign/").status_code == 405


def test_sign_then_submit_result_with_a_photo(cast, client, dispatched):
    event = dispatched()
    client.force_login(cast["department_handler"])
    page = client.get(f"/department/events/{event.pk}/").content.decode()
    assert ">签收</summary>" in page and ">退回</summary>" in page
    assert ">反馈</summary>" not in page  # not signed yet
    assert _post(client, event, "sign").status_code == 302
    event.refresh_from_db()
    assert event.state == State.HANDLING
    page = client.get(f"/department/events/{event.pk}/").content.decode()
    assert ">反馈</summary>" in page and 'name="photos"' in page and ">签收</summary>" not in page
    photo = SimpleUploadedFile("result.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = _post(client, event, "submit_result", result="已清理完毕", photos=photo)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == State.SUBMITTED
    item = Attachment.objects.get(event=event)
    assert (
        item.trail_entry.action == "submit_result"
        and item.uploaded_by == cast["department_handler"]
    )


def test_a_bad_photo_leaves_the_event_untouched(cast, client, dispatched):
    event = dispatched()
    client.force_login(cast["department_handler"])
    _post(client, event, "sign")
    event.refresh_from_db()
    before = TrailEntry.objects.filter(event=event).count()
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = _post(client, event, "submit_result", result="已清理", photos=fake)
    assert response.status_code == 400
    assert "文件不是有效的图片" in response.content.decode()
    event.refresh_from_db()
    assert event.state == State.HANDLING
    assert TrailEntry.objects.filter(event=event).count() == before
    assert not Attachment.objects.filter(event=event).exists()


def test_return_needs_a_reason(cast, client, dispatched):
    event = dispatched()
    client.force_login(cast["department_handler"])
    assert _post(client, event, "return").status_code == 400
    assert _post(client, event, "return", reason="不属于本部门职责").status_code == 302
    event.refresh_from_db()
    assert event.state == State.ACCEPTED
    assert "人行道被占用" not in client.get("/department/").content.decode()


def test_extension_request(cast, client, dispatched):
    event = dispatched()
    client.force_login(cast["department_handler"])
    _post(client, event, "sign")
    event.refresh_from_db()
    assert (
        _post(client, event, "request_extension", days="abc", reason="材料未齐").status_code == 400
    )
    assert _post(client, event, "request_extension", days="3").status_code == 400  # no reason
    assert _post(client, event, "request_extension", days="3", reason="材料未齐").status_code == 302
    event.refresh_from_db()
    assert event.pending_extension_days == 3
    page = client.get(f"/department/events/{event.pk}/").content.decode()
    assert ">申请延期</summary>" not in page  # one request at a time
    client.force_login(cast["village_1_operator"])
    page = client.get(f"/console/events/{event.pk}/").content.decode()
    assert ">批准延期</summary>" in page and ">驳回延期</summary>" in page


def test_operator_actions_are_refused_on_the_department_page(cast, client, report):
    event = report()
    client.force_login(cast["department_handler"])
    response = client.post(f"/department/events/{event.pk}/act/accept/", {"version": 0})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.state == State.REPORTED
