# STAND-IN: replaced by the workflow branch at integration
"""Just enough of report_event / perform for the API tests; the real rules live elsewhere."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wangge.accounts.models import OrgUnit, UnitKind
from wangge.accounts.scope import scope_of
from wangge.api.errors import ApiError, Conflict, Forbidden, NotFound
from wangge.events.choices import Channel, Priority, State
from wangge.events.models import Category, Event, TrailEntry
from wangge.events.workflow import ACTIONS
from wangge.regions.locate import LocationError, locate, parse_crs
from wangge.regions.models import Grid, Region


@dataclass(frozen=True)
class ActionResult:
    event: Event
    entry: TrailEntry


def _append(event: Event, action: str, actor, from_state: str, now: datetime) -> TrailEntry:
    sequence = event.trail.count()
    previous = event.trail.order_by("-sequence").values_list("entry_hash", flat=True).first()
    previous = previous or "0" * 64
    digest = hashlib.sha256(f"{previous}{event.pk}{sequence}{action}".encode()).hexdigest()
    return TrailEntry.objects.create(
        event=event,
        sequence=sequence,
        action=action,
        actor=actor,
        actor_unit=getattr(actor, "unit", None),
        from_state=from_state,
        to_state=event.state,
        created_at=now,
        previous_hash=previous,
        entry_hash=digest,
    )


def _centre(village_code: str) -> OrgUnit:
    centres = OrgUnit.objects.filter(kind=UnitKind.CENTRE).select_related("region")
    covering = [c for c in centres if village_code.startswith(c.region.code.rstrip("0"))]
    if not covering:
        raise ApiError("no_receiving_centre", "该位置没有负责受理的综治中心。")
    return max(covering, key=lambda c: len(c.region.code.rstrip("0")))


def report_event(
    *,
    channel,
    category,
    title,
    lon,
    lat,
    reporter=None,
    crs="wgs84",
    description="",
    priority=Priority.NORMAL,
    address="",
    reporter_name="",
    reporter_phone="",
    is_anonymous=False,
    idempotency_key=None,
    self_handled=False,
    result="",
    now=None,
) -> Event:
    if idempotency_key:
        existing = Event.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if channel not in Channel.values or not str(title).strip():
        raise ApiError("invalid_field", "渠道或标题无效。")
    found = Category.objects.filter(pk=category, active=True).first()
    if found is None:
        raise ApiError("invalid_field", "事件分类不存在或已停用。", {"field": "category"})
    try:
        lon, lat, hit = locate(lon, lat, parse_crs(crs))
    except LocationError as exc:
        raise ApiError(exc.code, exc.message) from exc
    village = Region.objects.get(pk=hit.village_id)
    now = now or timezone.now()
    with transaction.atomic():
        event = Event.objects.create(
            tracking_code=secrets.token_hex(6).upper(),
            title=title.strip(),
            description=description,
            category=found,
            priority=priority,
            channel=channel,
            state=State.SUBMITTED if self_handled else State.REPORTED,
            lon=lon,
            lat=lat,
            address=address,
            grid=Grid.objects.get(pk=hit.grid_id),
            region=village,
            region_code=village.code,
            reporter=reporter if reporter is not None and reporter.is_authenticated else None,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            is_anonymous=is_anonymous,
            idempotency_key=idempotency_key or None,
            current_unit=_centre(village.code),
            self_handled=self_handled,
            created_at=now,
        )
        _append(event, "report", event.reporter, "", now)
    return event


def _authorize(spec, event: Event, actor, tracking_code) -> None:
    if spec.public and tracking_code and tracking_code == event.tracking_code:
        return
    if actor is None or not spec.roles or not actor.has_role(*spec.roles):
        raise Forbidden("forbidden", f"无权执行“{spec.label}”。")
    if not scope_of(actor).covers(event.region_code):
        raise Forbidden("out_of_scope", "该事件不在您的管辖范围内。")
    if actor.unit_id != event.current_unit_id:
        raise Forbidden("forbidden", f"该事件当前不由您办理，不能{spec.label}。")


def perform(
    event_id, action, actor, *, now=None, expected_version=None, tracking_code=None, **fields
) -> ActionResult:
    spec = ACTIONS.get(action)
    if spec is None or spec.intake:
        raise ApiError("unknown_action", f"未知的操作 {action!r}。")
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound("event_not_found", "事件不存在。")
        _authorize(spec, event, actor, tracking_code)
        stale = expected_version is not None and expected_version != event.version
        if stale or event.state not in spec.from_states:
            raise Conflict("state_conflict", "事件已被他人处理，请刷新后重试。")
        unknown = set(fields) - {f.name for f in spec.fields}
        if unknown:
            raise ApiError("invalid_field", "不接受的字段。", {"field": sorted(unknown)[0]})
        for field in spec.required_fields:
            value = fields.get(field.name)
            if value is None or value == [] or (isinstance(value, str) and not value.strip()):
                raise ApiError("missing_field", f"请填写{field.label}。", {"field": field.name})
        from_state = event.state
        Event.objects.filter(pk=event.pk).update(state=spec.to_state, version=F("version") + 1)
        event.refresh_from_db()
        entry = _append(event, action, actor, from_state, now or timezone.now())
    return ActionResult(event, entry)
