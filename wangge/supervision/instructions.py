"""Leaders' written instructions on events (领导批示), a manual form of supervision."""

from datetime import datetime

from django.db import transaction

from wangge.accounts.models import Role
from wangge.accounts.scope import scope_of
from wangge.errors import DomainError, Forbidden
from wangge.events.models import Event
from wangge.events.notifying import params, unit_staff
from wangge.notices.services import send
from wangge.supervision import trail
from wangge.supervision.models import Instruction

MAX_LENGTH = 2000


def issue_instruction(leader, event: Event, text: str, now: datetime) -> Instruction:
    """Record the instruction and its trail entry, and tell the case workers of the unit
    holding the event (its operators or handlers, not its admins)."""
    if leader is None or not leader.is_authenticated or not leader.has_role(Role.LEADER):
        raise Forbidden("forbidden", "只有领导可以作出批示")
    if not scope_of(leader).covers(event.region_code):
        raise Forbidden("out_of_scope", "该事件不在您的管辖范围内")
    text = (text or "").strip()
    if not text:
        raise DomainError("missing_field", "请填写批示内容", {"field": "text"})
    if len(text) > MAX_LENGTH:
        raise DomainError("invalid_field", f"批示内容不能超过 {MAX_LENGTH} 字", {"field": "text"})
    with transaction.atomic():
        locked = trail.lock_event(event.pk)
        instruction = Instruction.objects.create(
            event=locked, leader=leader, text=text, created_at=now
        )
        trail.record(
            locked, "instruct", leader, now, comment=text, payload={"instruction": instruction.pk}
        )
        send(
            unit_staff(locked.current_unit_id),
            "instructed",
            params(locked, leader, text),
            event=locked,
            now=now,
        )
    return instruction
