"""What a leader's home lists for their scope: decisions the state table leaves to
leaders, yellow and red cards of running steps, and instructions awaiting a reply.

Each list is one query restricted by the leader's data scope and capped, so the home
page costs the same whatever the size of the county (tests/web/leader count them).
"""

from datetime import datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from wangge.accounts.scope import restrict
from wangge.events.models import CardLevel, Clock, Event
from wangge.events.workflow import ACTIONS, Holder
from wangge.supervision.instructions import is_overdue
from wangge.supervision.models import Instruction

LIMIT = 50
CARDED = (CardLevel.RED, CardLevel.YELLOW)

# A pending request, by the action that decides it (the table says who decides).
PENDING = {
    "approve_shelve": Q(shelve_requested=True),
    "approve_extension": Q(pending_extension_days__isnull=False),
}


def _leader_decisions() -> Q:
    """Events whose pending request a leader may decide, from the state table's holders."""
    condition = Q(pk__in=[])
    for action, pending in PENDING.items():
        spec = ACTIONS[action]
        if Holder.LEADER in spec.holders:
            condition |= pending & Q(state__in=spec.from_states)
    return condition


def pending_approvals(user, limit: int = LIMIT) -> list[Event]:
    """Events in scope with a request waiting for a leader's decision, oldest first."""
    events = restrict(Event.objects.filter(_leader_decisions()), user, "region_code")
    related = events.select_related("category", "current_unit")
    return list(related.order_by("updated_at", "id")[:limit])


def carded_clocks(user, limit: int = LIMIT) -> list[Clock]:
    """Running steps in scope under a yellow or red card: red first, then the oldest due."""
    running = Clock.objects.filter(
        stopped_at__isnull=True, paused_at__isnull=True, card_level__in=CARDED
    )
    red_first = Case(
        When(card_level=CardLevel.RED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    clocks = restrict(running, user, "region_code").select_related("event", "unit")
    return list(clocks.order_by(red_first, "due_at", "id")[:limit])


def awaiting_reply(user) -> QuerySet:
    """Instructions on events in scope not answered yet (old ones without a unit excluded)."""
    waiting = Instruction.objects.filter(replied_at__isnull=True, addressed_unit__isnull=False)
    return restrict(waiting, user, "event__region_code")


def instructions_awaiting(user, now: datetime, limit: int = LIMIT) -> list[Instruction]:
    """Awaiting a reply, the earliest deadline first; `overdue` is set on each."""
    rows = awaiting_reply(user).select_related("event", "addressed_unit", "leader")
    found = list(rows.order_by(F("reply_due_at").asc(nulls_last=True), "created_at", "id")[:limit])
    for instruction in found:
        instruction.overdue = is_overdue(instruction, now)
    return found
