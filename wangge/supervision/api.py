"""Leaders' instructions over the API; the rules live in wangge/supervision/instructions.py."""

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema, Status

from wangge.accounts.models import Role
from wangge.accounts.scope import restrict
from wangge.api.errors import NotFound
from wangge.api.permissions import roles
from wangge.events.models import Event
from wangge.supervision.instructions import issue_instruction

router = Router(tags=["supervision"])


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
