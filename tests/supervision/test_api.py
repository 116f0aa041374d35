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
