"""Leaders' instructions (领导批示): recorded, trailed and sent to the unit holding the event."""

import pytest

from tests.conftest import make_user
from tests.supervision.conftest import at
from wangge.accounts.models import Role
from wangge.errors import DomainError, Forbidden
from wangge.events.models import TrailEntry
from wangge.notices.models import Notice
from wangge.supervision.instructions import issue_instruction
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
