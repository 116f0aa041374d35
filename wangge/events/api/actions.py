"""One operation per action of the state table, and the public tracking-code view."""

from typing import Any

from wangge.accounts.models import Role
from wangge.api.errors import NotFound
from wangge.api.permissions import public, roles
from wangge.events.api.reading import action_label, trail_out
from wangge.events.api.router import router
from wangge.events.models import Event
from wangge.events.ratelimit import check_rate
from wangge.events.schemas import (
    MAX_ID,
    ActionOut,
    TrackActionOut,
    TrackOut,
    action_schema,
    state_label,
)
from wangge.events.services import perform
from wangge.events.workflow import ACTIONS, ActionSpec


def _fields(body) -> tuple[dict[str, Any], int | None]:
    data = body.dict(exclude_none=True)
    return data, data.pop("expected_version", None)


def _action_view(spec: ActionSpec):
    def act(request, event_id: int, body):
        if event_id > MAX_ID:
            raise NotFound("event_not_found", "事件不存在。")
        fields, expected = _fields(body)
        result = perform(event_id, spec.name, request.auth, expected_version=expected, **fields)
        event = result.event
        return {
            "id": event.pk,
            "tracking_code": event.tracking_code,
            "state": event.state,
            "state_label": state_label(event.state),
            "version": event.version,
            "entry": trail_out(result.entry),
        }

    act.__annotations__["body"] = action_schema(spec, staff=True)
    act.__name__ = f"action_{spec.name}"
    act.__doc__ = f"{spec.label}: from {', '.join(spec.from_states) or '—'}."
    return act


def _track_view(spec: ActionSpec):
    def act(request, tracking_code: str, body):
        check_rate(request, "public_track")
        event = _tracked(tracking_code)
        fields, _ = _fields(body)
        result = perform(event.pk, spec.name, None, tracking_code=event.tracking_code, **fields)
        state = result.event.state
        return {
            "tracking_code": result.event.tracking_code,
            "state": state,
            "state_label": state_label(state),
        }

    act.__annotations__["body"] = action_schema(spec, staff=False)
    act.__name__ = f"track_{spec.name}"
    act.__doc__ = f"{spec.label}, by the reporter holding the tracking code."
    return act


def _action_roles(spec: ActionSpec) -> tuple[str, ...]:
    """Public actions may also be taken by a reporter through their own account."""
    return tuple(Role.values) if spec.public or not spec.roles else spec.roles


for _spec in ACTIONS.values():
    if _spec.intake:
        continue
    router.post(
        f"/events/{{event_id}}/actions/{_spec.name}",
        response=ActionOut,
        summary=f"{_spec.label} ({_spec.name})",
        operation_id=f"event_action_{_spec.name}",
    )(roles(*_action_roles(_spec))(_action_view(_spec)))
    if _spec.public:
        router.post(
            f"/track/{{tracking_code}}/{_spec.name}",
            response=TrackActionOut,
            auth=None,
            summary=f"{_spec.label} by tracking code",
            operation_id=f"track_{_spec.name}",
        )(public(_track_view(_spec)))


# ---------------------------------------------------------------- public tracking


def _tracked(tracking_code: str) -> Event:
    code = tracking_code.strip().upper()
    event = None
    if 4 <= len(code) <= 24 and code.isascii() and code.isalnum():
        event = Event.objects.select_related("category").filter(tracking_code=code).first()
    if event is None:
        raise NotFound("tracking_not_found", "查询码不存在，请核对后重试。")
    return event


@router.get(
    "/track/{tracking_code}",
    response=TrackOut,
    auth=None,
    summary="Public progress of a report, by its tracking code",
)
@public
def track(request, tracking_code: str):
    """Only what the reporter may see: states, the names and times of actions. No staff
    names, comments or contact data."""
    check_rate(request, "public_track")
    event = _tracked(tracking_code)
    entries = event.trail.order_by("sequence").only("action", "to_state", "created_at")
    return {
        "tracking_code": event.tracking_code,
        "state": event.state,
        "state_label": state_label(event.state),
        "category": event.category.name,
        "created_at": event.created_at,
        "closed_at": event.closed_at,
        "rating": event.rating,
        "timeline": [
            {
                "action": t.action,
                "label": action_label(t.action),
                "state": t.to_state,
                "state_label": state_label(t.to_state),
                "at": t.created_at,
            }
            for t in entries
        ],
    }
