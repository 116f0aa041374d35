"""我的待办: the events an operator can act on now, per kind, and the console opening on it;
and what a lower centre sees of a take-over (提级办理)."""

import pytest

from tests.web.console.conftest import VILLAGE_2_POINT
from wangge.events.choices import State
from wangge.events.models import CardLevel, Event
from wangge.events.queries import WORK_KINDS, available_actions, my_work, my_work_counts
from wangge.events.services import perform

OPERATORS = ["county_operator", "township_1_operator", "township_2_operator", "village_1_operator"]
WORK_ACTIONS = {k.action for k in WORK_KINDS}


@pytest.fixture
def mix(cast, report, dispatched):
    """One event of each kind at the village centre, a dispatched one, and one elsewhere."""
    operator, handler = cast["village_1_operator"], cast["department_handler"]
    reported = report(title="待受理的事件")
    accepted = report(title="待派遣的事件")
    perform(accepted.pk, "accept", operator)
    submitted = dispatched(title="待核查的事件")
    perform(submitted.pk, "sign", handler)
    perform(submitted.pk, "submit_result", handler, result="已处置")
    extension = dispatched(title="申请延期的事件")
    perform(extension.pk, "sign", handler)
    perform(extension.pk, "request_extension", handler, days=2, reason="需协调")
    suspended = report(title="挂起的事件")
    perform(suspended.pk, "accept", operator)
    perform(suspended.pk, "suspend", operator, reason="等待鉴定")
    working = dispatched(title="部门处置中的事件")
    elsewhere = report(point=VILLAGE_2_POINT, title="二号镇的事件")
    return {
        "accept": reported,
        "dispatch": accepted,
        "check": submitted,
        "extension": extension,
        "suspended": suspended,
        "working": working,
        "elsewhere": elsewhere,
    }


def test_my_work_is_what_the_state_table_lets_the_user_do_next(cast, mix):
    """Consistent with available_actions: an event is my work exactly when one of the
    kinds' actions is open to the user on it."""
    for name in OPERATORS:
        user = cast[name]
        mine = set(my_work(user).values_list("pk", flat=True))
        for event in Event.objects.select_related("category", "centre"):
            offered = {s.name for s in available_actions(event, user)}
            assert (event.pk in mine) == bool(offered & WORK_ACTIONS), (name, event.title)


def test_counts_per_kind(cast, mix):
    counts = my_work_counts(cast["village_1_operator"])
    assert counts == {
        "accept": 1,
        "dispatch": 1,
        "check": 1,
        "extension": 1,
        "suspended": 1,
        "shelved": 0,
        "supervised": 0,
        "total": 5,
    }
    assert my_work_counts(cast["county_operator"])["total"] == 0  # take-over is optional
    assert my_work_counts(cast["township_2_operator"])["accept"] == 1
    assert my_work_counts(cast["department_handler"]) == dict.fromkeys(counts, 0)


def test_a_take_over_moves_the_work_to_the_upper_centre(cast, mix):
    event = mix["accept"]
    perform(event.pk, "take_over", cast["county_operator"], reason="县级统筹")
    assert not my_work(cast["village_1_operator"]).filter(pk=event.pk).exists()
    assert list(my_work(cast["county_operator"])) == [event]


def test_a_supervised_event_is_counted_across_the_kinds(cast, mix):
    perform(mix["check"].pk, "supervise", cast["leader"], level=CardLevel.RED, reason="多次反映")
    perform(mix["working"].pk, "supervise", cast["leader"], level=CardLevel.RED, reason="督办")
    counts = my_work_counts(cast["village_1_operator"])
    assert (counts["supervised"], counts["check"], counts["total"]) == (1, 1, 5)


# ---------------------------------------------------------------- the console


def _body(client, user, path: str) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_console_opens_on_my_work_with_counts(cast, client, mix):
    body = _body(client, cast["village_1_operator"], "/console/")
    for title in ("待受理的事件", "待派遣的事件", "待核查的事件", "申请延期的事件", "挂起的事件"):
        assert title in body
    assert "部门处置中的事件" not in body
    assert 'id="count-mine">5<' in body and 'id="count-work-accept">1<' in body
    assert 'href="/console/?state=live"' in body  # the whole scope, one click away
    body = _body(client, cast["village_1_operator"], "/console/?state=mine&work=check")
    assert "待核查的事件" in body and "待受理的事件" not in body
    whole = _body(client, cast["village_1_operator"], "/console/?state=live")
    assert "部门处置中的事件" in whole


def test_an_upper_centre_has_no_work_until_it_takes_some(cast, client, mix):
    body = _body(client, cast["county_operator"], "/console/")
    assert "没有等待您办理的事件。" in body and "待受理的事件" not in body


def test_a_bad_work_kind_is_400(cast, client):
    client.force_login(cast["village_1_operator"])
    for path in ("/console/?work=bogus", "/console/queue/?state=mine&work=bogus"):
        assert client.get(path).status_code == 400


def test_my_work_rows_are_read_in_a_constant_number_of_queries(
    cast, client, report, django_assert_max_num_queries
):
    for n in range(5):
        report(title=f"事件{n}")
    client.force_login(cast["village_1_operator"])
    with django_assert_max_num_queries(17) as few:
        client.get("/console/")
    for n in range(45):
        report(title=f"更多事件{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/console/?page=1").content.decode()
    with django_assert_max_num_queries(len(few.captured_queries) - 2):
        partial = client.get("/console/queue/").content.decode()
    assert body.count('<tr class="row ') == 30 and partial.count('<tr class="row ') == 30


def test_the_lower_centre_sees_who_took_its_event_over_and_why(cast, client, report):
    event = report(title="跨村纠纷")
    perform(event.pk, "take_over", cast["county_operator"], reason="涉及两个村，县级统筹")
    page = _body(client, cast["village_1_operator"], f"/console/events/{event.pk}/")
    assert "已由 绥中县综治中心 提级办理" in page and "涉及两个村，县级统筹" in page
    assert "</summary>" not in page  # nothing left for the village to do
    row = _body(client, cast["village_1_operator"], "/console/queue/?state=live")
    assert '<span class="badge taken-over">已提级</span>' in row
    assert Event.objects.get(pk=event.pk).state == State.REPORTED
    client.cookies["django_language"] = "en"
    page = _body(client, cast["village_1_operator"], f"/console/events/{event.pk}/")
    assert "Taken over by 绥中县综治中心" in page and "Take over" in page


def test_a_manual_supervision_shows_its_level_in_the_trail(cast, client, dispatched):
    event = dispatched()
    perform(event.pk, "supervise", cast["leader"], level=CardLevel.YELLOW, reason="群众反映强烈")
    page = _body(client, cast["township_1_operator"], f"/console/events/{event.pk}/")
    assert "督办 · 黄牌督办" in page and "群众反映强烈" in page
