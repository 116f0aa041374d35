"""One operation per action of the state table, and the public tracking-code view.

The actions whose row says `photos` (someone on site has something to show) take the same
fields as multipart/form-data plus `photos` files, passed to `perform`: it content-checks
them before the event's row is locked and stores them in the action's transaction,
attached to the action's trail entry, so a refused photo leaves no action and a refused
action no photo.
"""

from dataclasses import asdict
from typing import Annotated, Any

from ninja import Schema

from wangge.accounts.models import Role
from wangge.api.forms import PHOTOS_FIELD, JsonOrForm, check_file_fields
from wangge.api.permissions import public, roles
from wangge.common.ratelimit import check_rate
from wangge.errors import NotFound
from wangge.events.api.files import TrackProgressOut, attachment_out, public_photos
from wangge.events.api.reading import trail_out
from wangge.events.api.router import router
from wangge.events.api.schemas import (
    MAX_ID,
    ActionOut,
    AttachmentOut,
    TrackActionOut,
    action_schema,
)
from wangge.events.display import state_label
from wangge.events.models import Event
from wangge.events.services import perform
from wangge.events.tracking import find_by_code, public_timeline
from wangge.events.workflow import ACTIONS, ActionSpec


class ActionWithPhotosOut(ActionOut):
    attachments: list[AttachmentOut]


def _fields(body) -> tuple[dict[str, Any], int | None]:
    data = body.dict(exclude_none=True)
    return data, data.pop("expected_version", None)


def _action_out(result, with_photos: bool = False) -> dict[str, Any]:
    event = result.event
    out = {
        "id": event.pk,
        "tracking_code": event.tracking_code,
        "state": event.state,
        "state_label": state_label(event.state),
        "version": event.version,
        "entry": trail_out(result.entry),
    }
    if with_photos:
        out["attachments"] = [attachment_out(item) for item in result.attachments]
    return out


def _action_view(spec: ActionSpec):
    def act(request, event_id: int, body):
        if event_id > MAX_ID:
            raise NotFound("event_not_found", "事件不存在。")
        fields, expected = _fields(body)
        result = perform(event_id, spec.name, request.auth, expected_version=expected, **fields)
        return _action_out(result)

    act.__annotations__["body"] = action_schema(spec, staff=True)
    act.__name__ = f"action_{spec.name}"
    act.__doc__ = f"{spec.label}: from {', '.join(spec.from_states) or '—'}."
    return act


def _photo_action_view(spec: ActionSpec, schema: type[Schema]):
    def act(request, event_id: int, body):
        if event_id > MAX_ID:
            raise NotFound("event_not_found", "事件不存在。")
        check_file_fields(request, (PHOTOS_FIELD,))
        photos = request.FILES.getlist(PHOTOS_FIELD)
        fields, expected = _fields(body)
        result = perform(
            event_id, spec.name, request.auth, expected_version=expected, photos=photos, **fields
        )
        return _action_out(result, with_photos=True)

    act.__annotations__["body"] = Annotated[schema, JsonOrForm(...)]
    act.__name__ = f"action_{spec.name}"
    act.__doc__ = (
        f"{spec.label}: from {', '.join(spec.from_states) or '—'}. JSON, or multipart/form-data"
        " with the same fields plus `photos` files (JPEG, PNG or WebP, checked by content)."
    )
    return act


def _multipart_body(schema: type[Schema]) -> dict[str, Any]:
    """The form encoding of a photo action, added beside ninja's JSON body in OpenAPI.

    The fields are spelled out rather than referenced (allOf): the JSON schema forbids
    extra properties, which would forbid `photos` too.
    """
    fields = schema.model_json_schema(ref_template="#/components/schemas/{model}")
    photos = {"type": "array", "items": {"type": "string", "format": "binary"}}
    form = {
        "type": "object",
        "properties": {**fields["properties"], PHOTOS_FIELD: photos},
        "required": fields.get("required", []),
    }
    return {"requestBody": {"content": {"multipart/form-data": {"schema": form}}}}


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
    if _spec.photos:
        _schema = action_schema(_spec, staff=True)
        _view, _extra = _photo_action_view(_spec, _schema), _multipart_body(_schema)
        _response: type[Schema] = ActionWithPhotosOut
    else:
        _view, _extra, _response = _action_view(_spec), None, ActionOut
    router.post(
        f"/events/{{event_id}}/actions/{_spec.name}",
        response=_response,
        summary=f"{_spec.label} ({_spec.name})",
        operation_id=f"event_action_{_spec.name}",
        openapi_extra=_extra,
    )(roles(*_action_roles(_spec))(_view))
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
    event = find_by_code(tracking_code)
    if event is None:
        raise NotFound("tracking_not_found", "查询码不存在，请核对后重试。")
    return event


@router.get(
    "/track/{tracking_code}",
    response=TrackProgressOut,
    auth=None,
    summary="Public progress of a report, by its tracking code",
)
@public
def track(request, tracking_code: str):
    """Only what the reporter may see: states, the names and times of actions, and the
    metadata-free copies of the report's and the result's photos. No staff names, comments
    or contact data."""
    check_rate(request, "public_track")
    event = _tracked(tracking_code)
    return {
        "tracking_code": event.tracking_code,
        "state": event.state,
        "state_label": state_label(event.state),
        "category": event.category.name,
        "created_at": event.created_at,
        "closed_at": event.closed_at,
        "rating": event.rating,
        "timeline": [asdict(step) for step in public_timeline(event)],
        "photos": public_photos(event),
    }
