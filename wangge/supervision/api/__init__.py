"""Supervision over the API: the board of running step clocks by card level, and leaders'
instructions with the addressed unit's replies. The rules live in
wangge/supervision/board.py and instructions.py."""

from datetime import datetime

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from wangge.accounts.models import Role
from wangge.accounts.scope import restrict
from wangge.api.permissions import roles
from wangge.errors import NotFound
from wangge.events.models import Event
from wangge.supervision.board import BoardItem, board
from wangge.supervision.instructions import REPLY_ROLES, issue_instruction, reply_to_instruction
from wangge.supervision.models import Instruction

router = Router(tags=["supervision"])


class BoardQuery(Schema):
    per_column: int = Field(30, ge=1, le=200, description="items listed per column")


class BoardItemOut(Schema):
    event_id: int
    tracking_code: str
    title: str
    step: str
    unit: str
    due_at: datetime
    light: str
    card_level: str
    next_at: datetime | None


class BoardColumnOut(Schema):
    level: str
    label: str
    count: int
    items: list[BoardItemOut]


def _item_out(item: BoardItem) -> dict:
    clock = item.clock
    return {
        "event_id": clock.event_id,
        "tracking_code": clock.event.tracking_code,
        "title": clock.event.title,
        "step": clock.step,
        "unit": clock.unit.name,
        "due_at": clock.due_at,
        "light": item.light,
        "card_level": clock.card_level,
        "next_at": item.next_at,
    }


@router.get(
    "/supervision/board",
    response=list[BoardColumnOut],
    summary="The supervision board: running steps by 预警/普通/黄牌/红牌, most pressing first",
)
@roles(Role.OPERATOR, Role.LEADER)
def supervision_board(request, query: Query[BoardQuery]):
    """Counts cover every running step in the caller's scope; items are the earliest due."""
    columns = board(request.auth, timezone.now(), per_column=query.per_column)
    return [
        {
            "level": column.level,
            "label": column.label,
            "count": column.count,
            "items": [_item_out(item) for item in column.items],
        }
        for column in columns
    ]


class InstructionIn(Schema):
    text: str
    reply_due_at: datetime | None = Field(
        None, description="when the holding unit should have replied (after now)"
    )


class InstructionOut(Schema):
    id: int
    event_id: int
    text: str
    created_at: datetime
    leader: str
    addressed_unit: str | None
    reply_due_at: datetime | None
    reply: str
    replied_at: datetime | None
    replied_by: str | None


class ReplyIn(Schema):
    text: str


def _name(user) -> str | None:
    return (user.display_name or user.username) if user else None


def _instruction_out(instruction: Instruction) -> dict:
    unit = instruction.addressed_unit
    return {
        "id": instruction.pk,
        "event_id": instruction.event_id,
        "text": instruction.text,
        "created_at": instruction.created_at,
        "leader": _name(instruction.leader),
        "addressed_unit": unit.name if unit else None,
        "reply_due_at": instruction.reply_due_at,
        "reply": instruction.reply,
        "replied_at": instruction.replied_at,
        "replied_by": _name(instruction.replied_by),
    }


def _event_in_scope(request, event_id: int) -> Event:
    event = restrict(Event.objects.all(), request.auth, "region_code").filter(pk=event_id).first()
    if event is None:
        raise NotFound("event_not_found", "事件不存在或不在您的管辖范围内。")
    return event


@router.get(
    "/events/{event_id}/instructions",
    response=list[InstructionOut],
    summary="Leaders' instructions on an event with their replies, newest first",
)
@roles(Role.OPERATOR, Role.DEPARTMENT_HANDLER, Role.LEADER)
def instructions(request, event_id: int):
    event = _event_in_scope(request, event_id)
    rows = Instruction.objects.filter(event=event).select_related(
        "leader", "addressed_unit", "replied_by"
    )
    return [_instruction_out(i) for i in rows]


@router.post(
    "/events/{event_id}/instructions",
    response={201: InstructionOut},
    summary="A leader's written instruction on an event (领导批示), addressed to its holder",
)
@roles(Role.LEADER)
def instruct(request, event_id: int, payload: InstructionIn):
    """Each call records a new instruction, hence 201 Created."""
    event = _event_in_scope(request, event_id)
    now = timezone.now()
    found = issue_instruction(request.auth, event, payload.text, now, payload.reply_due_at)
    return Status(201, _instruction_out(found))


@router.post(
    "/events/{event_id}/instructions/{instruction_id}/reply",
    response=InstructionOut,
    summary="The addressed unit's one reply to a leader's instruction",
)
@roles(*REPLY_ROLES)
def reply(request, event_id: int, instruction_id: int, payload: ReplyIn):
    """403 for staff outside the addressed unit, 409 `already_replied` the second time."""
    event = _event_in_scope(request, event_id)
    if not Instruction.objects.filter(pk=instruction_id, event=event).exists():
        raise NotFound("instruction_not_found", "批示不存在或不在您的管辖范围内")
    found = reply_to_instruction(request.auth, instruction_id, payload.text, timezone.now())
    return _instruction_out(found)
