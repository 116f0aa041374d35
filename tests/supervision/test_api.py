"""The inbox and instruction endpoints."""

import pytest

from wangge.notices.models import Notice
from wangge.notices.services import notify
from wangge.supervision.models import Instruction

pytestmark = pytest.mark.django_db


def test_the_inbox_lists_my_notices_and_marks_them_read(as_user, cast):
    notify([cast["leader"]], "红牌督办：占道经营", "扣 10 分")
    notify([cast["township_1_operator"]], "别人的消息")
    client = as_user("leader")
    inbox = client.get("/api/notices").json()
    assert inbox["unread"] == 1
    assert [n["title"] for n in inbox["items"]] == ["红牌督办：占道经营"]
    mine = inbox["items"][0]["id"]
    theirs = Notice.objects.get(recipient=cast["township_1_operator"]).pk
    answer = client.post("/api/notices/read", {"ids": [mine, theirs]}, "application/json")
    assert answer.json() == {"updated": 1}
    assert client.get("/api/notices?unread_only=true").json() == {"unread": 0, "items": []}
    assert Notice.objects.get(pk=theirs).read_at is None


def test_the_inbox_needs_a_login(client):
    assert client.get("/api/notices").status_code == 401


def test_a_leader_instructs_through_the_api(as_user, make_event, cast):
    event = make_event()
    answer = as_user("leader").post(
        f"/api/events/{event.pk}/instructions", {"text": "限期办结"}, "application/json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["text"] == "限期办结"
    assert Instruction.objects.get().event == event


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [("township_1_operator", 403, "forbidden"), ("leader", 400, "missing_field")],
)
def test_instruction_refusals(as_user, make_event, name, status, code):
    event = make_event()
    answer = as_user(name).post(
        f"/api/events/{event.pk}/instructions", {"text": " "}, "application/json"
    )
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert not Instruction.objects.exists()


def test_an_unknown_event_is_not_found(as_user, cast):
    answer = as_user("leader").post(
        "/api/events/999999/instructions", {"text": "x"}, "application/json"
    )
    assert (answer.status_code, answer.json()["code"]) == (404, "event_not_found")


def _instructed(as_user, event) -> dict:
    answer = as_user("leader").post(
        f"/api/events/{event.pk}/instructions",
        {"text": "限期办结", "reply_due_at": "2099-01-01T18:00:00+08:00"},
        "application/json",
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def test_the_department_replies_and_the_leader_reads_it(as_user, make_event, cast):
    event = make_event(unit=cast.department)
    created = _instructed(as_user, event)
    assert (created["addressed_unit"], created["reply"]) == (cast.department.name, "")
    url = f"/api/events/{event.pk}/instructions/{created['id']}/reply"
    answer = as_user("department_handler").post(url, {"text": "已办结"}, "application/json")
    assert answer.status_code == 200, answer.content
    listed = as_user("leader").get(f"/api/events/{event.pk}/instructions").json()
    assert [(i["reply"], i["replied_by"]) for i in listed] == [("已办结", "department_handler")]
    again = as_user("department_handler").post(url, {"text": "再答"}, "application/json")
    assert (again.status_code, again.json()["code"]) == (409, "already_replied")


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("township_1_operator", 403, "forbidden"),
        ("township_2_operator", 404, "event_not_found"),
        ("leader", 403, "forbidden"),
        ("grid_worker_1", 403, "forbidden"),
        ("citizen", 403, "forbidden"),
    ],
)
def test_reply_refusals_change_nothing(as_user, make_event, cast, name, status, code):
    event = make_event(unit=cast.department)
    created = _instructed(as_user, event)
    url = f"/api/events/{event.pk}/instructions/{created['id']}/reply"
    answer = as_user(name).post(url, {"text": "已办结"}, "application/json")
    assert (answer.status_code, answer.json()["code"]) == (status, code)
    assert Instruction.objects.get().replied_at is None


def test_a_reply_to_another_events_instruction_is_not_found(as_user, make_event, cast):
    event, other = make_event(unit=cast.department), make_event(unit=cast.department)
    created = _instructed(as_user, event)
    url = f"/api/events/{other.pk}/instructions/{created['id']}/reply"
    answer = as_user("department_handler").post(url, {"text": "已办结"}, "application/json")
    assert (answer.status_code, answer.json()["code"]) == (404, "instruction_not_found")


def test_anonymous_callers_neither_read_nor_reply(client, make_event, cast):
    event = make_event()
    assert client.get(f"/api/events/{event.pk}/instructions").status_code == 401
    answer = client.post(
        f"/api/events/{event.pk}/instructions/1/reply", {"text": "x"}, "application/json"
    )
    assert answer.status_code == 401
