"""The leader's workspace: the home of pending approvals, cards, instructions awaiting a
reply and the month's rates; the event page with 批示; replies from the holding unit;
the console pages a leader reads. Every page and post for every kind of visitor."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.web.console.conftest import VILLAGE_2_POINT
from wangge.events.models import CardLevel, Clock, Event, TrailEntry
from wangge.events.services import perform
from wangge.supervision.instructions import issue_instruction, reply_to_instruction
from wangge.supervision.models import Instruction

pytestmark = pytest.mark.django_db
WRONG_ROLES = ("county_operator", "department_handler", "grid_worker_1", "citizen", "system_admin")
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


def _later() -> timezone.datetime:
    return timezone.now() + timedelta(days=2)


def _shelve_requested(report, cast, point=None) -> Event:
    event = report(point=point) if point else report()
    operator = next(
        u for u in cast.users.values() if u.unit_id == event.centre_id and u.has_role("operator")
    )
    perform(event.pk, "accept", operator)
    perform(event.pk, "request_shelve", operator, explanation="历史遗留")
    return event


def _carded(dispatched, level: str) -> Event:
    event = dispatched()
    Clock.objects.filter(event=event, stopped_at__isnull=True).update(card_level=level)
    return event


# ---------------------------------------------------------------- who may open what


@pytest.mark.parametrize("path", ["/leader/", "/leader/events/{id}/"])
def test_pages_by_role(path, client, cast, report, township_leader):
    event = report()
    url = path.format(id=event.pk)
    assert client.get(url)["Location"].startswith("/login/")
    for name in WRONG_ROLES:
        client.force_login(cast[name])
        assert client.get(url).status_code == 403, name
    for leader in (cast["leader"], township_leader):
        client.force_login(leader)
        assert client.get(url).status_code == 200


def test_an_event_out_of_scope_is_404(client, report, township_leader):
    event = report(point=VILLAGE_2_POINT)
    client.force_login(township_leader)
    assert client.get(f"/leader/events/{event.pk}/").status_code == 404
    answer = client.post(
        f"/leader/events/{event.pk}/instruct/", {"text": "请办结", "reply_due": TOMORROW}
    )
    assert answer.status_code == 404 and not Instruction.objects.exists()


def test_a_leader_lands_on_the_leader_home_after_login(client, cast):
    answer = client.post("/login/", {"username": "leader", "password": PASSWORD}, follow=True)
    assert answer.redirect_chain[-1][0] == "/leader/"
    assert "领导工作台" in answer.content.decode()


@pytest.mark.parametrize(
    "path", ["/console/", "/console/queue/", "/console/board/", "/console/map/"]
)
def test_a_leader_reads_the_console(path, client, cast, report):
    report()
    client.force_login(cast["leader"])
    assert client.get(path).status_code == 200


def test_a_console_event_opens_on_the_leader_page_and_console_actions_stay_closed(
    client, cast, report
):
    event = report()
    client.force_login(cast["leader"])
    answer = client.get(f"/console/events/{event.pk}/")
    assert answer.status_code == 302 and answer["Location"] == f"/leader/events/{event.pk}/"
    assert client.post(f"/console/events/{event.pk}/act/accept/", {}).status_code == 403
    assert Event.objects.get(pk=event.pk).state == "reported"


# ---------------------------------------------------------------- the home


def test_the_home_lists_exactly_what_waits_in_scope(
    client, cast, report, dispatched, township_leader
):
    mine = _shelve_requested(report, cast)
    _shelve_requested(report, cast, point=VILLAGE_2_POINT)
    report()  # nothing requested
    red, yellow = _carded(dispatched, CardLevel.RED), _carded(dispatched, CardLevel.YELLOW)
    _carded(dispatched, CardLevel.NORMAL)
    elsewhere = report(point=VILLAGE_2_POINT)
    perform(elsewhere.pk, "accept", cast["township_2_operator"])
    Clock.objects.filter(event=elsewhere, stopped_at__isnull=True).update(card_level=CardLevel.RED)
    waiting = issue_instruction(cast["leader"], red, "请限期办结", timezone.now(), _later())
    overdue = issue_instruction(cast["leader"], yellow, "请说明", timezone.now(), _later())
    Instruction.objects.filter(pk=overdue.pk).update(
        reply_due_at=timezone.now() - timedelta(hours=1)
    )
    answered = issue_instruction(cast["leader"], yellow, "已阅", timezone.now(), _later())
    reply_to_instruction(cast["department_handler"], answered.pk, "收到", timezone.now())
    issue_instruction(cast["leader"], elsewhere, "请办结", timezone.now(), _later())

    client.force_login(township_leader)
    page = client.get("/leader/")
    assert [e.pk for e in page.context["approvals"]] == [mine.pk]
    assert [(c.event_id, c.card_level) for c in page.context["cards"]] == [
        (red.pk, CardLevel.RED),
        (yellow.pk, CardLevel.YELLOW),
    ]
    assert [i.pk for i in page.context["instructions"]] == [overdue.pk, waiting.pk]
    html = page.content.decode()
    assert f'href="/leader/events/{mine.pk}/"' in html
    assert f'href="/leader/events/{red.pk}/"' in html
    assert html.count("dept-item overdue") == 1


def test_the_home_shows_the_scopes_rates(client, cast, report):
    event = report()
    operator = cast["village_1_operator"]
    perform(event.pk, "accept", operator)
    client.force_login(cast["leader"])
    rates = client.get("/leader/").context["rates"]
    assert [r["label"] for r in rates] == ["本月办结率", "本月按期办结率", "本月满意率"]
    assert all(r["shown"] == "—" or r["shown"].endswith("%") for r in rates)


def test_the_home_costs_the_same_queries_however_much_waits(client, cast, report, dispatched):
    def add_one_of_each():
        _shelve_requested(report, cast)
        carded = _carded(dispatched, CardLevel.RED)
        issue_instruction(cast["leader"], carded, "请办结", timezone.now(), _later())

    client.force_login(cast["leader"])
    add_one_of_each()
    client.get("/leader/")
    with CaptureQueriesContext(connection) as few:
        client.get("/leader/")
    for _ in range(3):
        add_one_of_each()
    with CaptureQueriesContext(connection) as many:
        page = client.get("/leader/")
    assert len(page.context["instructions"]) == 4
    assert len(many) == len(few) <= 25


# ---------------------------------------------------------------- 批示 and reply


def test_instruction_then_reply_then_the_leader_sees_it(client, cast, dispatched):
    event = dispatched()
    client.force_login(cast["leader"])
    answer = client.post(
        f"/leader/events/{event.pk}/instruct/", {"text": "请三日内办结", "reply_due": TOMORROW}
    )
    assert answer.status_code == 302
    instruction = Instruction.objects.get()
    assert instruction.addressed_unit == cast.department
    assert timezone.localtime(instruction.reply_due_at).date().isoformat() == TOMORROW
    assert [i.pk for i in client.get("/leader/").context["instructions"]] == [instruction.pk]

    client.force_login(cast["department_handler"])
    page = client.get(f"/department/events/{event.pk}/").content.decode()
    reply_url = f"/department/events/{event.pk}/instructions/{instruction.pk}/reply/"
    assert "请三日内办结" in page and f'action="{reply_url}"' in page
    assert client.post(reply_url, {"text": "已安排人员，明日办结"}).status_code == 302
    assert (
        f'action="{reply_url}"'
        not in client.get(f"/department/events/{event.pk}/").content.decode()
    )

    client.force_login(cast["leader"])
    page = client.get(f"/leader/events/{event.pk}/").content.decode()
    assert "已安排人员，明日办结" in page and "批示回复" in page
    assert client.get("/leader/").context["instructions"] == []
    actions = TrailEntry.objects.filter(event=event).values_list("action", flat=True)
    assert {"instruct", "instruct_reply"} <= set(actions)


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"text": "请办结"}, 400),
        ({"text": "请办结", "reply_due": "明天"}, 400),
        ({"text": "请办结", "reply_due": "2000-01-01"}, 400),
        ({"text": " ", "reply_due": TOMORROW}, 400),
    ],
)
def test_bad_instructions_are_refused(form, status, client, cast, report):
    event = report()
    client.force_login(cast["leader"])
    answer = client.post(f"/leader/events/{event.pk}/instruct/", form)
    assert answer.status_code == status
    assert (
        not Instruction.objects.exists()
        and not TrailEntry.objects.filter(action="instruct").exists()
    )


def test_instruct_by_role(client, cast, report):
    event = report()
    url = f"/leader/events/{event.pk}/instruct/"
    form = {"text": "请办结", "reply_due": TOMORROW}
    assert client.post(url, form)["Location"].startswith("/login/")
    for name in WRONG_ROLES:
        client.force_login(cast[name])
        assert client.post(url, form).status_code == 403, name
    assert client.get(url).status_code in (403, 405)
    assert not Instruction.objects.exists()


def test_reply_pages_by_role(client, cast, dispatched, report):
    event = dispatched()
    instruction = issue_instruction(cast["leader"], event, "请办结", timezone.now(), _later())
    department = f"/department/events/{event.pk}/instructions/{instruction.pk}/reply/"
    console = f"/console/events/{event.pk}/instructions/{instruction.pk}/reply/"
    form = {"text": "已办"}
    assert client.post(department, form)["Location"].startswith("/login/")
    for name in ("leader", "grid_worker_1", "citizen"):
        client.force_login(cast[name])
        assert client.post(department, form).status_code == 403, name
        assert client.post(console, form).status_code == 403, name
    client.force_login(cast["township_2_operator"])
    assert client.post(console, form).status_code == 404
    client.force_login(cast["county_operator"])  # in scope, not the addressed unit
    assert client.post(console, form).status_code == 403
    other = report()
    client.force_login(cast["department_handler"])
    wrong_event = f"/department/events/{other.pk}/instructions/{instruction.pk}/reply/"
    assert client.post(wrong_event, form).status_code == 404
    assert client.post(department, {"text": " "}).status_code == 400
    instruction.refresh_from_db()
    assert instruction.replied_at is None
    assert not TrailEntry.objects.filter(action="instruct_reply").exists()
