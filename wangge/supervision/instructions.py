"""Leaders' written instructions on events (领导批示), a manual form of supervision.

An instruction is addressed to the unit holding the event when it is written (the centre
in the centre's steps, the lead department while it handles), asks for a reply by a
deadline, and is answered once by a member of that unit. Both the instruction and the
reply are trail entries ("instruct", "instruct_reply"), so the event's history keeps them.
"""

from datetime import datetime

from django.db import transaction

from wangge.accounts.models import Role
from wangge.accounts.scope import scope_of
from wangge.errors import Conflict, DomainError, Forbidden, NotFound
from wangge.events.models import Event
from wangge.events.notifying import params, unit_staff
from wangge.notices.services import send
from wangge.supervision import trail
from wangge.supervision.models import Instruction

MAX_LENGTH = 2000
# Who answers for a unit: the roles that hold events (centre operators, department handlers).
REPLY_ROLES = (Role.OPERATOR, Role.DEPARTMENT_HANDLER)


def _clean_text(text: str, subject: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("missing_field", f"请填写{subject}", {"field": "text"})
    if len(text) > MAX_LENGTH:
        raise DomainError("invalid_field", f"{subject}不能超过 {MAX_LENGTH} 字", {"field": "text"})
    return text


def _check_due(reply_due_at: datetime | None, now: datetime) -> None:
    if reply_due_at is not None and reply_due_at <= now:
        raise DomainError("invalid_field", "回复期限必须晚于当前时间", {"field": "reply_due_at"})


def issue_instruction(
    leader, event: Event, text: str, now: datetime, reply_due_at: datetime | None = None
) -> Instruction:
    """Record the instruction and its trail entry, and tell the unit holding the event.

    `reply_due_at` is when the holding unit should have replied; the leader's home shows
    the instruction as overdue after it.
    """
    if leader is None or not leader.is_authenticated or not leader.has_role(Role.LEADER):
        raise Forbidden("forbidden", "只有领导可以作出批示")
    if not scope_of(leader).covers(event.region_code):
        raise Forbidden("out_of_scope", "该事件不在您的管辖范围内")
    text = _clean_text(text, "批示内容")
    _check_due(reply_due_at, now)
    with transaction.atomic():
        locked = trail.lock_event(event.pk)
        instruction = Instruction.objects.create(
            event=locked,
            leader=leader,
            text=text,
            created_at=now,
            addressed_unit_id=locked.current_unit_id,
            reply_due_at=reply_due_at,
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


def _addressed(user, instruction: Instruction) -> bool:
    """Staff of the addressed unit holding a role that handles events."""
    return (
        user.is_authenticated
        and instruction.addressed_unit_id is not None
        and user.unit_id == instruction.addressed_unit_id
        and user.has_role(*REPLY_ROLES)
    )


def is_overdue(instruction: Instruction, now: datetime) -> bool:
    """Unanswered after its reply deadline: the pages mark it red."""
    due = instruction.reply_due_at
    return instruction.replied_at is None and due is not None and due < now


def may_reply(user, instruction: Instruction) -> bool:
    """What the pages ask before offering the reply form."""
    return instruction.replied_at is None and _addressed(user, instruction)


def reply_to_instruction(user, instruction_id: int, text: str, now: datetime) -> Instruction:
    """Record the addressed unit's one reply, trail it and tell the leader.

    Out of the user's scope the instruction does not exist (404), as events do.
    """
    found = Instruction.objects.filter(pk=instruction_id).select_related("event").first()
    if found is None or not scope_of(user).covers(found.event.region_code):
        raise NotFound("instruction_not_found", "批示不存在或不在您的管辖范围内")
    if not _addressed(user, found):
        raise Forbidden("forbidden", "只有承办单位可以回复该批示")
    text = _clean_text(text, "回复内容")
    with transaction.atomic():
        event = trail.lock_event(found.event_id)
        instruction = Instruction.objects.select_for_update().get(pk=instruction_id)
        if instruction.replied_at is not None:
            raise Conflict("already_replied", "该批示已回复")
        instruction.reply, instruction.replied_at, instruction.replied_by = text, now, user
        instruction.save(update_fields=["reply", "replied_at", "replied_by"])
        trail.record(
            event,
            "instruct_reply",
            user,
            now,
            comment=text,
            payload={"instruction": instruction.pk},
        )
        send([instruction.leader], "instruction_replied", params(event, user, text), event, now)
    return instruction
