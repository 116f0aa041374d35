"""Who is told of each action: exactly the responsible people, after the commit only."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.events.conftest import T0
from wangge.accounts.models import Role
from wangge.accounts.services import grant_role
from wangge.errors import DomainError
from wangge.events.choices import Channel
from wangge.events.notifying import NOTIFICATIONS, markdown_table
from wangge.events.services import perform
from wangge.events.workflow import ACTIONS
from wangge.notices.messages import MESSAGES
from wangge.notices.models import Notice
from wangge.supervision.instructions import issue_instruction

pytestmark = pytest.mark.django_db

NOTICES_DOC = Path(__file__).resolve().parents[2] / "docs" / "NOTICES.md"


@pytest.fixture
def act(cast, django_capture_on_commit_callbacks):
    """perform as the named cast member (or user), running the after-commit hooks."""

    def run(event, action, who, **fields):
        actor = cast[who] if isinstance(who, str) else who
        with django_capture_on_commit_callbacks(execute=True):
            return perform(event.pk, action, actor, now=T0, **fields).event

    return run


def told() -> dict[str, set[str]]:
    """Notice kind → usernames told."""
    found: dict[str, set[str]] = {}
    for kind, name in Notice.objects.values_list("kind", "recipient__username"):
        found.setdefault(kind, set()).add(name)
    return found


@pytest.fixture
def dispatched(cast, outsiders, report, act):
    event = report()
    act(event, "accept", "village_1_operator")
    act(
        event,
        "dispatch",
        "village_1_operator",
        lead_department=cast.department.pk,
        copy_departments=[outsiders["other_department"].pk],
    )
    return event


def test_dispatch_tells_the_lead_department_handler_only(dispatched):
    assert told() == {"dispatched": {"department_handler"}}  # not the copied department
    notice = Notice.objects.get()
    assert notice.event_id == dispatched.pk and dispatched.tracking_code in notice.body


def test_an_assisting_department_is_told_too(cast, outsiders, report, act):
    event = report()
    act(event, "accept", "village_1_operator")
    act(
        event,
        "dispatch",
        "village_1_operator",
        lead_department=cast.department.pk,
        assist_departments=[outsiders["other_department"].pk],
    )
    assert told() == {"dispatched": {"department_handler", "other_handler"}}


def test_return_tells_the_centre_operators(dispatched, act):
    Notice.objects.all().delete()
    act(dispatched, "return", "department_handler", reason="不属本部门职责")
    assert told() == {"returned": {"village_1_operator"}}
    assert "不属本部门职责" in Notice.objects.get().body


def test_rework_extension_and_approval_reach_the_one_who_must_act(dispatched, act):
    act(dispatched, "sign", "department_handler")
    Notice.objects.all().delete()
    act(dispatched, "request_extension", "department_handler", days=2, reason="材料未齐")
    act(dispatched, "approve_extension", "village_1_operator")
    act(dispatched, "submit_result", "department_handler", result="已清理")
    act(dispatched, "check_fail", "village_1_operator", reason="仍有摊位")
    assert told() == {
        "extension_requested": {"village_1_operator"},
        "extension_approved": {"department_handler"},
        "rework": {"department_handler"},
    }


def test_delegate_and_escalate_tell_the_new_centre(cast, report, act):
    event = report(channel=Channel.HOTLINE)  # lands at the county centre
    act(event, "delegate", "county_operator", target_centre=cast.township_1_centre.pk)
    assert told() == {"delegated": {"township_1_operator"}}
    Notice.objects.all().delete()
    act(event, "escalate", "township_1_operator", reason="涉及多个乡镇")
    assert told() == {"escalated": {"county_operator"}}


def test_verification_request_tells_the_grid_workers_of_the_village(cast, categories, report, act):
    event = report(category=categories.hazard)
    act(event, "accept", "village_1_operator")
    act(event, "request_verification", "village_1_operator")
    assert told() == {"verify_requested": {"grid_worker_1"}}


def test_a_shelve_request_waits_for_the_leaders_whose_scope_covers_it(dispatched, outsiders, act):
    Notice.objects.all().delete()
    act(dispatched, "request_shelve", "village_1_operator", explanation="待规划调整")
    assert told() == {"shelve_requested": {"leader"}}  # not t2_leader of township 2


def test_a_refused_action_tells_no_one(cast, report, act):
    event = report()
    with pytest.raises(DomainError):
        act(event, "accept", "township_2_operator")
    assert not Notice.objects.exists()


def test_a_rolled_back_action_tells_no_one(cast, report, django_capture_on_commit_callbacks):
    event = report()
    perform(event.pk, "accept", cast["village_1_operator"], now=T0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            perform(
                event.pk, "dispatch", cast["village_1_operator"], lead_department=cast.department.pk
            )
            raise RuntimeError("rolled back")
    assert callbacks == [] and not Notice.objects.exists()


def test_the_actor_is_never_told_of_their_own_act(cast, dispatched, act):
    grant_role(cast["village_1_operator"], Role.LEADER)  # a leader of the village as well
    Notice.objects.all().delete()
    act(dispatched, "request_shelve", "village_1_operator", explanation="待规划调整")
    assert told() == {"shelve_requested": {"leader"}}


def test_an_instruction_tells_the_holding_units_case_workers(cast, dispatched):
    Notice.objects.all().delete()
    issue_instruction(cast["leader"], dispatched, "请三日内办结", T0)
    assert told() == {"instructed": {"department_handler"}}


def test_every_mapping_key_is_an_action():
    assert set(NOTIFICATIONS) <= set(ACTIONS)
    assert all(rule.kind in MESSAGES for rule in NOTIFICATIONS.values())


def test_docs_notices_is_generated_from_the_mapping():
    out = StringIO()
    call_command("notices_table", stdout=out)
    assert out.getvalue() == markdown_table()
    assert NOTICES_DOC.read_text(encoding="utf-8") == out.getvalue(), (
        "docs/NOTICES.md is stale: run `wangge notices-table > docs/NOTICES.md`"
    )
