"""The HTTP face of the closed loop: intake, lists, detail, actions and public tracking.

Handlers stay thin: they check the request's shape, call report_event / perform from
wangge/events/services.py and shape the answer. The action operations are generated from
the state table (workflow.ACTIONS), one per action, so each has its own request schema in
the OpenAPI document and a new action appears here without code changes.

Reporter contact is masked in every answer. Intake endpoints accept JSON or, to attach
photos, multipart/form-data with the same fields plus `photos` files.
"""

import base64
import hashlib
import json
from datetime import datetime, time
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Header, Query, Router, Status, UploadedFile
from ninja.params.models import Form, FormModel

from wangge.accounts.models import Role
from wangge.accounts.scope import restrict
from wangge.api.errors import ApiError, Forbidden, NotFound
from wangge.api.permissions import STAFF_ROLES, public, roles
from wangge.events.attachments import public_url, save_attachments
from wangge.events.choices import Channel, State
from wangge.events.models import Attachment, Event, TrailEntry
from wangge.events.ratelimit import check_rate
from wangge.events.schemas import (
    MAX_ID,
    ActionOut,
    EventDetail,
    EventFilters,
    EventPage,
    HotlineIntakeIn,
    IntakeOut,
    PublicIntakeIn,
    StaffIntakeIn,
    StaffIntakeOut,
    TrackActionOut,
    TrackOut,
    action_schema,
    mask_name,
    mask_phone,
)
from wangge.events.services import perform, report_event
from wangge.events.workflow import ACTIONS, ActionSpec
from wangge.regions.codes import REGION_CODE_LENGTH, prefix_range, significant_prefix
from wangge.regions.models import Region
from wangge.supervision.models import CardLevel, Clock

router = Router(tags=["events"])

CARD_ORDER = [CardLevel.NONE, CardLevel.NORMAL, CardLevel.YELLOW, CardLevel.RED]
CHANNELS_BY_ROLE = {
    Role.GRID_WORKER: {Channel.GRID_WORKER},
    Role.OPERATOR: {Channel.OPERATOR, Channel.HOTLINE, Channel.VIDEO_PATROL},
}
Photos = File[list[UploadedFile]]


class _FormOrJsonModel(FormModel):
    """Form fields from multipart/urlencoded bodies, or the same fields as a JSON object."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type != "application/json":
            return super().get_request_data(request, api, path_params)
        try:
            data = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise ApiError("invalid_input", "请求体不是合法的 JSON。") from exc
        if not isinstance(data, dict):
            raise ApiError("invalid_input", "请求体须为 JSON 对象。")
        return data


class FormOrJson(Form):
    _model = _FormOrJsonModel

    @classmethod
    def _param_source(cls) -> str:
        return "form"


def _state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def _idempotency_key(namespace: str, key: str | None) -> str | None:
    """Namespaced and hashed, so one client's key can never name another channel's event."""
    if not key:
        return None
    if len(key) > 200 or "\x00" in key:
        raise ApiError("invalid_input", "Idempotency-Key 过长或含非法字符。")
    return hashlib.sha256(f"{namespace}\x00{key}".encode()).hexdigest()


def _intake(request, key: str | None, photos, **fields) -> tuple[Event, int, bool]:
    """Report (or find the earlier report for this key) and attach the photos once."""
    existing = key and Event.objects.filter(idempotency_key=key).first()
    if existing:
        return existing, existing.attachments.count(), True
    auth = getattr(request, "auth", None)
    user = auth if getattr(auth, "is_authenticated", False) else None
    with transaction.atomic():
        event = report_event(reporter=user, idempotency_key=key, **fields)
        entry = event.trail.order_by("sequence").first()
        saved = save_attachments(event, entry, photos or [], user)
    return event, len(saved), False


def _intake_out(event: Event, attachments: int, duplicate: bool) -> dict[str, Any]:
    return {
        "id": event.pk,
        "version": event.version,
        "tracking_code": event.tracking_code,
        "state": event.state,
        "state_label": _state_label(event.state),
        "created_at": event.created_at,
        "attachments": attachments,
        "duplicate": duplicate,
    }


@router.post(
    "/public/events",
    response={201: IntakeOut, 200: IntakeOut},
    auth=None,
    summary="Report an event without an account (public app, QR code, mini-program)",
)
@public
def public_intake(
    request,
    payload: Annotated[PublicIntakeIn, FormOrJson(...)],
    photos: Photos = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Rate-limited per client address. Keep the returned tracking code: it is the only
    way to follow, withdraw or rate the report. Resending with the same Idempotency-Key
    returns the first report (200) instead of creating another."""
    check_rate(request, "public_intake")
    key = _idempotency_key("public", idempotency_key)
    event, count, duplicate = _intake(request, key, photos, **payload.dict())
    return Status(200 if duplicate else 201, _intake_out(event, count, duplicate))


@router.post(
    "/events",
    response={201: StaffIntakeOut, 200: StaffIntakeOut},
    summary="Report an event as staff (grid worker patrol, operator entry for a caller)",
)
@roles(Role.GRID_WORKER, Role.OPERATOR)
def staff_intake(
    request,
    payload: Annotated[StaffIntakeIn, FormOrJson(...)],
    photos: Photos = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    """Grid workers report on channel grid_worker and may report a problem already fixed
    (self_handled with result); operators enter calls (operator, hotline, video_patrol)
    with the caller's name and phone."""
    user = request.auth
    allowed = set().union(*(CHANNELS_BY_ROLE[r] for r in CHANNELS_BY_ROLE if user.has_role(r)))
    if payload.channel not in allowed and not user.is_superuser:
        raise Forbidden("forbidden", "您的角色不能使用该渠道上报。", {"channel": payload.channel})
    key = _idempotency_key(f"user:{user.pk}", idempotency_key)
    event, count, duplicate = _intake(request, key, photos, **payload.dict())
    return Status(200 if duplicate else 201, _intake_out(event, count, duplicate))


@router.post(
    "/hotline/events",
    response={201: StaffIntakeOut, 200: StaffIntakeOut},
    summary="Intake from the 12345 hotline system (machine user, token auth)",
)
@roles(Role.OPERATOR)
def hotline_intake(request, payload: HotlineIntakeIn):
    """For the external 12345 system: a machine user holding the operator role at the county
    centre calls with its API token (Authorization: Bearer ...). The external case id is the
    idempotency key, so resending a case returns the event made the first time."""
    fields = payload.dict()
    case_id = fields.pop("external_case_id")
    fields["reporter_name"] = fields.pop("caller_name")
    fields["reporter_phone"] = fields.pop("caller_phone")
    key = _idempotency_key("hotline", case_id)
    event, count, duplicate = _intake(request, key, None, channel=Channel.HOTLINE, **fields)
    return Status(200 if duplicate else 201, _intake_out(event, count, duplicate))


# ---------------------------------------------------------------- reading


def _clocks_prefetch() -> Prefetch:
    return Prefetch("clocks", queryset=Clock.objects.select_related("unit").order_by("id"))


def _visible(user) -> QuerySet:
    return restrict(Event.objects.all(), user, "region_code").select_related(
        "category", "grid", "current_unit"
    )


def _region_range(code: str) -> tuple[str, str]:
    if len(code) == REGION_CODE_LENGTH:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return prefix_range(significant_prefix(region.code, region.level))
    return prefix_range(code)


def _running(now: datetime) -> Q:
    return Q(event=OuterRef("pk"), stopped_at__isnull=True, paused_at__isnull=True, due_at__lt=now)


def _filter(qs: QuerySet, f: EventFilters, now: datetime) -> QuerySet:
    if f.state:
        qs = qs.filter(state__in=f.state)
    if f.category:
        qs = qs.filter(Q(category_id=f.category) | Q(category__parent_id=f.category))
    if f.region:
        low, high = _region_range(f.region)
        qs = qs.filter(region_code__gte=low, region_code__lte=high)
    if f.grid:
        qs = qs.filter(grid__code=f.grid)
    if f.unit:
        qs = qs.filter(current_unit_id=f.unit)
    if f.channel:
        qs = qs.filter(channel__in=f.channel)
    if f.priority:
        qs = qs.filter(priority__in=f.priority)
    if f.overdue is not None:
        overdue = Exists(Clock.objects.filter(_running(now)))
        qs = qs.filter(overdue if f.overdue else ~overdue)
    if f.card_level == CardLevel.NONE:
        carded = Clock.objects.filter(event=OuterRef("pk")).exclude(card_level=CardLevel.NONE)
        qs = qs.filter(~Exists(carded))
    elif f.card_level:
        qs = qs.filter(Exists(Clock.objects.filter(event=OuterRef("pk"), card_level=f.card_level)))
    tz = timezone.get_current_timezone()
    if f.created_from:
        qs = qs.filter(created_at__gte=datetime.combine(f.created_from, time.min, tzinfo=tz))
    if f.created_to:
        qs = qs.filter(created_at__lte=datetime.combine(f.created_to, time.max, tzinfo=tz))
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(description__icontains=f.q))
    return qs


def _encode_cursor(event: Event) -> str:
    raw = f"{event.created_at.isoformat()}|{event.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _after_cursor(qs: QuerySet, cursor: str) -> QuerySet:
    try:
        created, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        created_at, pk = datetime.fromisoformat(created), int(pk)
    except ValueError as exc:
        raise ApiError("invalid_cursor", "分页游标无效，请从第一页重新获取。") from exc
    if created_at.tzinfo is None:
        raise ApiError("invalid_cursor", "分页游标无效，请从第一页重新获取。")
    return qs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))


def _light(clock: Clock, now: datetime) -> str | None:
    """Yellow from 50 % of the allowed time used, red from 80 % (SPEC §4)."""
    if clock.stopped_at is not None:
        return None
    allowed = (clock.due_at - clock.started_at).total_seconds()
    used = ((clock.paused_at or now) - clock.started_at).total_seconds()
    share = used / allowed if allowed > 0 else 1.0
    return "red" if share >= 0.8 else "yellow" if share >= 0.5 else "green"


def _contact(event: Event) -> dict[str, str]:
    if event.is_anonymous:
        return {"reporter_name": "", "reporter_phone": ""}
    return {
        "reporter_name": mask_name(event.reporter_name),
        "reporter_phone": mask_phone(event.reporter_phone),
    }


def _row(event: Event, now: datetime) -> dict[str, Any]:
    clocks = list(event.clocks.all())
    running = [c for c in clocks if c.stopped_at is None and c.paused_at is None]
    cards = [c.card_level for c in clocks] or [CardLevel.NONE]
    return {
        "id": event.pk,
        "tracking_code": event.tracking_code,
        "title": event.title,
        "state": event.state,
        "state_label": _state_label(event.state),
        "category": {"id": event.category_id, "name": event.category.name},
        "priority": event.priority,
        "channel": event.channel,
        "region_code": event.region_code,
        "grid_code": event.grid.code,
        "current_unit": {"id": event.current_unit_id, "name": event.current_unit.name},
        **_contact(event),
        "is_anonymous": event.is_anonymous,
        "self_handled": event.self_handled,
        "created_at": event.created_at,
        "due_at": min((c.due_at for c in running), default=None),
        "overdue": any(c.due_at < now for c in running),
        "card_level": max(cards, key=CARD_ORDER.index),
        "version": event.version,
    }


@router.get("/events", response=EventPage, summary="Events in the caller's scope, newest first")
@roles(*STAFF_ROLES)
def list_events(request: HttpRequest, filters: Query[EventFilters]):
    """Keyset-paginated by (created_at, id) descending: follow `next` to page on; events
    reported meanwhile never shift or repeat rows across pages."""
    now = timezone.now()
    qs = _filter(_visible(request.auth), filters, now)
    count = qs.count()
    page = qs.order_by("-created_at", "-id").prefetch_related(_clocks_prefetch())
    if filters.cursor:
        page = _after_cursor(page, filters.cursor)
    rows = list(page[: filters.limit + 1])
    following = None
    if len(rows) > filters.limit:
        rows = rows[: filters.limit]
        params = request.GET.copy()
        params["cursor"] = _encode_cursor(rows[-1])
        following = f"{request.path}?{params.urlencode()}"
    return {"count": count, "next": following, "results": [_row(e, now) for e in rows]}


def _label(action: str) -> str:
    spec = ACTIONS.get(action)
    return spec.label if spec else action


def _person(user) -> str | None:
    return (user.display_name or user.username) if user else None


def _trail_out(entry: TrailEntry) -> dict[str, Any]:
    return {
        "sequence": entry.sequence,
        "action": entry.action,
        "label": _label(entry.action),
        "actor": _person(entry.actor),
        "actor_unit": entry.actor_unit.name if entry.actor_unit else None,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "comment": entry.comment,
        "payload": entry.payload,
        "created_at": entry.created_at,
    }


def _attachment_out(item: Attachment) -> dict[str, Any]:
    return {
        "id": item.pk,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "url": item.file.url,
        "public_url": public_url(item),
        "thumbnail_url": item.thumbnail.url if item.thumbnail else None,
        "exif_lon": item.exif_lon,
        "exif_lat": item.exif_lat,
        "trail_sequence": item.trail_entry.sequence if item.trail_entry else None,
        "created_at": item.created_at,
    }


def _detail(event: Event, now: datetime) -> dict[str, Any]:
    clocks = [
        {
            "step": c.step,
            "unit": c.unit.name,
            "started_at": c.started_at,
            "due_at": c.due_at,
            "paused_at": c.paused_at,
            "stopped_at": c.stopped_at,
            "card_level": c.card_level,
            "light": _light(c, now),
        }
        for c in event.clocks.all()
    ]
    parts = [
        {
            "department": {"id": p.department_id, "name": p.department.name},
            "role": p.role,
            "instruction": p.instruction,
            "signed_at": p.signed_at,
            "submitted_at": p.submitted_at,
            "result": p.result,
        }
        for p in event.parts.all()
    ]
    return {
        **_row(event, now),
        "description": event.description,
        "address": event.address,
        "lon": event.lon,
        "lat": event.lat,
        "rating": event.rating,
        "reopen_count": event.reopen_count,
        "accepted_at": event.accepted_at,
        "closed_at": event.closed_at,
        "merged_into": event.merged_into.tracking_code if event.merged_into else None,
        "parts": parts,
        "attachments": [_attachment_out(a) for a in event.attachments.all()],
        "clocks": clocks,
        "trail": [_trail_out(t) for t in event.trail.all()],
    }


def _load(user, event_id: int) -> Event:
    if event_id > MAX_ID:
        raise NotFound("event_not_found", "事件不存在或不在您的管辖范围内。")
    event = (
        _visible(user)
        .select_related("merged_into")
        .prefetch_related(
            _clocks_prefetch(),
            "parts__department",
            Prefetch("attachments", queryset=Attachment.objects.select_related("trail_entry")),
            Prefetch(
                "trail",
                queryset=TrailEntry.objects.select_related("actor", "actor_unit").order_by(
                    "sequence"
                ),
            ),
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise NotFound("event_not_found", "事件不存在或不在您的管辖范围内。")
    return event


@router.get("/events/{int:event_id}", response=EventDetail, summary="One event in full")
@roles(*STAFF_ROLES)
def event_detail(request, event_id: int):
    return _detail(_load(request.auth, event_id), timezone.now())


# ---------------------------------------------------------------- actions


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
            "state_label": _state_label(event.state),
            "version": event.version,
            "entry": _trail_out(result.entry),
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
            "state_label": _state_label(state),
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
        f"/events/{{int:event_id}}/actions/{_spec.name}",
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
        "state_label": _state_label(event.state),
        "category": event.category.name,
        "created_at": event.created_at,
        "closed_at": event.closed_at,
        "rating": event.rating,
        "timeline": [
            {
                "action": t.action,
                "label": _label(t.action),
                "state": t.to_state,
                "state_label": _state_label(t.to_state),
                "at": t.created_at,
            }
            for t in entries
        ],
    }
