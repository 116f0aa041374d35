"""Public tracking by code: what the holder of a tracking code may read.

The tracking code is the reporter's credential. The public view carries the state, the
reporter's own text and the names and times of the actions: no staff names, comments,
units or contact data. Used by the public tracking page; acting by code goes through
services.perform(tracking_code=...) like the API's /api/track endpoints.
"""

from dataclasses import dataclass
from datetime import datetime

from wangge.events.choices import State
from wangge.events.display import state_label
from wangge.events.models import Event
from wangge.events.workflow import ACTIONS, action_label


@dataclass(frozen=True)
class PublicStep:
    action: str
    label: str
    state: str
    state_label: str
    at: datetime


def find_by_code(code: str) -> Event | None:
    """The event with this tracking code; None for anything that cannot be a code."""
    code = (code or "").strip().upper()
    if not (4 <= len(code) <= 24 and code.isascii() and code.isalnum()):
        return None
    return Event.objects.select_related("category").filter(tracking_code=code).first()


def public_timeline(event: Event) -> list[PublicStep]:
    entries = event.trail.order_by("sequence").only("action", "to_state", "created_at")
    return [
        PublicStep(
            action=e.action,
            label=action_label(e.action),
            state=e.to_state,
            state_label=state_label(e.to_state),
            at=e.created_at,
        )
        for e in entries
    ]


def public_actions(event: Event) -> list[str]:
    """The actions the reporter may take by code now (withdraw, evaluate)."""
    taken = event.state == State.CLOSED and bool(event.rating)
    return [
        spec.name
        for spec in ACTIONS.values()
        if spec.public
        and event.state in spec.from_states
        and not (spec.name == "evaluate" and taken)
    ]
