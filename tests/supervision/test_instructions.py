"""Leaders' instructions (领导批示): recorded, trailed and sent to the unit holding the event."""

import pytest

from tests.conftest import make_user
from tests.supervision.conftest import at
from wangge.accounts.models import Role
from wangge.errors import Conflict, DomainError, Forbidden
from wangge.events.models import TrailEntry
from wangge.notices.models import Notice
from wangge.supervision.instructions import issue_instruction, reply_to_instruction
from wangge.supervision.models import Instruction

pytestmark = pytest.mark.django_db


def test_a_leader_in_scope_instructs_and_the_holding_unit_hears(make_event, cast):
    event = make_event(unit=cast.township_1_centre)
    instruction = issue_instruction(cast["leader"], event, " 请三日内办结 ", at("2025-10-09 09:00"))
    assert instruction.text == "请三日内办结"
    entry = TrailEntry.objects.get(event=event)
    assert (entry.action, entry.actor, entry.comment) == (
        "instruct",
        cast["leader"],
        "请三日内办结",
    )
    assert entry.payload == {"instruction": instruction.pk}
    notice = Notice.objects.get(recipient=cast["township_1_operator"])
    assert notice.event == event and "请三日内办结" in notice.body
    assert not Notice.objects.filter(recipient=cast["township_2_operator"]).exists()


@pytest.mark.parametrize("name", ["township_1_operator", "department_handler", "system_admin"])
def test_only_leaders_may_instruct(make_event, cast, name):
    event = make_event()
    with pytest.raises(Forbidden) as refused:
        issue_instruction(cast[name], event, "请办结", at("2025-10-09 09:00"))
    assert refused.value.code == "forbidden"
    assert not Instruction.objects.exists() and not TrailEntry.objects.exists()
    assert not Notice.objects.exists()


def test_a_leader_out_of_scope_is_refused(make_event, cast):
    other = make_user("township_2_leader", Role.LEADER, cast.township_2_centre)
    with pytest.raises(Forbidden) as refused:
        issue_instruction(other, make_event(grid="t1_north"), "请办结", at("2025-10-09 09:00"))
    assert refused.value.code == "out_of_scope"
    assert not Instruction.objects.exists() and not Notice.objects.exists()


@pytest.mark.parametrize(
    ("text", "code"), [("  ", "missing_field"), ("字" * 2001, "invalid_field")]
)
def test_bad_text_is_refused(make_event, cast, text, code):
    with pytest.raises(DomainError) as refused:
        issue_instruction(cast["leader"], make_event(), text, at("2025-10-09 09:00"))
    assert (refused.value.code, refused.value.status) == (code, 400)
    assert not Instruction.objects.exists()


# ---------------------------------------------------------------- deadlines and replies

DUE = at("2025-10-12 18:00")


def test_the_instruction_is_addressed_to_the_holder_with_a_deadline(make_event, cast):
    event = make_event(unit=cast.department)
    instruction = issue_instruction(
        cast["leader"], event, "请限期办结", at("2025-10-09 09:00"), reply_due_at=DUE
    )
    assert (instruction.addressed_unit, instruction.reply_due_at) == (cast.department, DUE)
    assert Notice.objects.get(recipient=cast["department_handler"]).event == event


def test_a_deadline_in_the_past_is_refused(make_event, cast):
    with pytest.raises(DomainError) as refused:
        issue_instruction(
            cast["leader"], make_event(), "请办结", at("2025-10-09 09:00"), at("2025-10-09 08:00")
        )
    assert (refused.value.code, refused.value.details) == (
        "invalid_field",
        {"field": "reply_due_at"},
    )
    assert not Instruction.objects.exists()


def test_the_addressed_unit_replies_once_and_the_leader_hears(make_event, cast):
    event = make_event(unit=cast.department)
    leader, handler = cast["leader"], cast["department_handler"]
    instruction = issue_instruction(leader, event, "请限期办结", at("2025-10-09 09:00"), DUE)
    replied = reply_to_instruction(
        handler, instruction.pk, " 已安排，明日办结 ", at("2025-10-10 10:00")
    )
    assert (replied.reply, replied.replied_by, replied.replied_at) == (
        "已安排，明日办结",
        handler,
        at("2025-10-10 10:00"),
    )
    entry = TrailEntry.objects.get(event=event, action="instruct_reply")
    assert (entry.actor, entry.comment, entry.payload) == (
        handler,
        "已安排，明日办结",
        {"instruction": instruction.pk},
    )
    assert Notice.objects.filter(recipient=leader, event=event).count() == 1
    with pytest.raises(Conflict) as again:
        reply_to_instruction(handler, instruction.pk, "再答", at("2025-10-10 11:00"))
    assert again.value.code == "already_replied"
    assert Instruction.objects.get().reply == "已安排，明日办结"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("township_1_operator", "forbidden"),  # in scope, not the addressed unit
        ("leader", "forbidden"),  # the county centre's leader is not its operator
        ("county_operator", "forbidden"),
        ("township_2_operator", "instruction_not_found"),  # out of scope
        ("citizen", "instruction_not_found"),
    ],
)
def test_only_the_addressed_unit_replies(make_event, cast, name, code):
    event = make_event(unit=cast.department)
    instruction = issue_instruction(cast["leader"], event, "请办结", at("2025-10-09 09:00"), DUE)
    with pytest.raises(DomainError) as refused:
        reply_to_instruction(cast[name], instruction.pk, "已办", at("2025-10-10 10:00"))
    assert refused.value.code == code
    assert Instruction.objects.get().replied_at is None
    assert not TrailEntry.objects.filter(action="instruct_reply").exists()


def test_an_empty_reply_is_refused(make_event, cast):
    instruction = issue_instruction(cast["leader"], make_event(), "请办结", at("2025-10-09 09:00"))
    with pytest.raises(DomainError) as refused:
        reply_to_instruction(
            cast["township_1_operator"], instruction.pk, " ", at("2025-10-10 10:00")
        )
    assert (refused.value.code, refused.value.status) == ("missing_field", 400)
    assert Instruction.objects.get().replied_at is None
