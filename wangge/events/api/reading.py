"""Reading events: the scoped list with filters and keyset pages, and the detail."""

import base64
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query

from wangge.accounts.models import STAFF_ROLES
from wangge.accounts.scope import restrict
from wangge.api.permissions import roles
from wangge.errors import DomainError, NotFound
from wangge.events.api.files import attachment_out
from wangge.events.api.router import router
from wangge.events.api.schemas import (
    MAX_ID,
    EventDetail,
    EventFilters,
    EventPage,
)
from wangge.events.clocks import light_at
from wangge.events.display import masked_contact, state_label
from wangge.events.models import Attachment, CardLevel, Clock, Event, TrailEntry
from wangge.events.queries import QueueFilters, filter_events
from wangge.events.workflow import action_label

CARD_ORDER = [CardLevel.NONE, CardLevel.NORMAL, CardLevel.YELLOW, CardLevel.RED]


def _clocks_prefetch() -> Prefetch:
    return Prefetch("clocks", queryset=Clock.objects.select_related("unit").order_by("id"))


def _visible(user) -> QuerySet:
    return restrict(Event.objects.all(), user, "region_code").select_related(
        "category", "grid", "current_unit"
    )


def _encode_cursor(event: Event) -> str:
    raw = f"{event.created_at.isoformat()}|{event.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _after_cursor(qs: QuerySet, cursor: str) -> QuerySet:
    try:
        created, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        created_at, pk = datetime.fromisoformat(created), int(pk)
    except ValueError as exc:
        raise DomainError("invalid_cursor", "分页游标无效，请从第一页重新获取。") from exc
    if created_at.tzinfo is None:
        raise DomainError("invalid_cursor", "分页游标无效，请从第一页重新获取。")
    return qs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))


def _light(clock: Clock, now: datetime) -> str | None:
    """The running clock's warning light on the working calendar; none once stopped."""
    if clock.stopped_at is not None:
        return None
    return str(light_at(clock, clock.paused_at or now))


def _contact(event: Event) -> dict[str, str]:
    name, phone = masked_contact(event)
    return {"reporter_name": name, "reporter_phone": phone}


def _row(event: Event, now: datetime) -> dict[str, Any]:
    clocks = list(event.clocks.all())
    running = [c for c in clocks if c.stopped_at is None and c.paused_at is None]
    cards = [c.card_level for c in clocks] or [CardLevel.NONE]
    return {
        "id": event.pk,
        "tracking_code": event.tracking_code,
        "title": event.title,
        "state": event.state,
        "state_label": state_label(event.state),
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
    fields = filters.dict(exclude={"limit", "cursor"})
    qs = filter_events(_visible(request.auth), QueueFilters(**fields), now)
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


def _person(user) -> str | None:
    return (user.display_name or user.username) if user else None


def trail_out(entry: TrailEntry) -> dict[str, Any]:
    return {
        "sequence": entry.sequence,
        "action": entry.action,
        "label": action_label(entry.action),
        "actor": _person(entry.actor),
        "actor_unit": entry.actor_unit.name if entry.actor_unit else None,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "comment": entry.comment,
        "payload": entry.payload,
        "created_at": entry.created_at,
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
        "attachments": [attachment_out(a) for a in event.attachments.all()],
        "clocks": clocks,
        "trail": [trail_out(t) for t in event.trail.all()],
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


@router.get("/events/{event_id}", response=EventDetail, summary="One event in full")
@roles(*STAFF_ROLES)
def event_detail(request, event_id: int):
    return _detail(_load(request.auth, event_id), timezone.now())
