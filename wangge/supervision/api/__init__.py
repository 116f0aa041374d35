"""Supervision over the API: the board of running step clocks by card level, and leaders'
instructions. The rules live in wangge/supervision/board.py and instructions.py."""

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
from wangge.supervision.instructions import issue_instruction

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


class InstructionOut(Schema):
    id: int
    event_id: int
    text: str
    created_at: datetime


@router.post(
    "/events/{event_id}/instructions",
    response={201: InstructionOut},
    summary="A leader's written instruction on an event (领导批示)",
)
@roles(Role.LEADER)
def instruct(request, event_id: int, payload: InstructionIn):
    """Each call records a new instruction, hence 201 Created."""
    event = restrict(Event.objects.all(), request.auth, "region_code").filter(pk=event_id).first()
    if event is None:
        raise NotFound("event_not_found", "事件不存在或不在您的管辖范围内。")
    return Status(201, issue_instruction(request.auth, event, payload.text, timezone.now()))
