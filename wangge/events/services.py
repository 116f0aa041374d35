"""The two entry points of the closed loop: report_event (intake) and perform (every action).

Every caller (API, console, public pages, field app, commands) goes through these; none
writes Event, EventPart, TrailEntry or Attachment directly, and none spells out "write, then
store the photos" or its own idempotency lookup. Photos are content-checked before any row
is locked and stored in the same transaction as the trail entry they belong to, so a bad
photo refuses the whole write. perform runs one transaction that locks the event row,
checks role, data scope, state and holder (in that order, before any write, so a refusal
leaves the database untouched), validates the fields, applies the transition from
wangge/events/transitions.py, bumps `version` with a conditional update and appends the
trail entry.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wangge.accounts.models import GridAssignment, Role
from wangge.accounts.scope import scope_of
from wangge.common.photos import CheckedImage, check_uploads
from wangge.errors import Conflict, DomainError, Forbidden, NotFound
from wangge.events.attachments import save_checked
from wangge.events.choices import Channel, PartRole, Priority, Rating, State, Step
from wangge.events.clocks import sync_event_copies
from wangge.events.models import Attachment, Category, Event, EventPart, event_copies
from wangge.events.reference import reference
from wangge.events.routing import receiving_centre
from wangge.events.trail import append_entry
from wangge.events.transitions import TRANSITIONS, ActionResult, Context, start_step
from wangge.events.workflow import ACTIONS, HOLDER_ROLES, ActionSpec, FieldKind, FieldSpec, Holder
from wangge.regions.codes import REGION_CODE_LENGTH
from wangge.regions.locate import GridHit, LocationError, locate, parse_crs
from wangge.regions.models import Grid

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone
TRACKING_LENGTH = 12  # 31**12 ≈ 2**59: not guessable, short enough to type
MAX_TEXT = 4000
MAX_EXTENSION_DAYS = 60


@dataclass(frozen=True)
class Intake(ActionResult):
    """A report and its photos; `duplicate` when the idempotency key named an earlier report
    (then event, entry and photos are that report's, and nothing was written)."""

    duplicate: bool = False


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


# ---------------------------------------------------------------- intake


def _invalid(field: str, message: str) -> DomainError:
    return DomainError("invalid_field", message, {"field": field})


def _missing(field: str, label: str) -> DomainError:
    return DomainError("missing_field", f"请填写{label}。", {"field": field})


def _resolve_category(category) -> Category:
    if isinstance(category, Category):
        found = category
    elif isinstance(category, int) and not isinstance(category, bool):
        found = reference().categories.get(category)
    else:
        found = None
    if found is None or not found.active:
        raise _invalid("category", "事件分类不存在或已停用。")
    return found


def _locate(lon, lat, crs: str) -> tuple[float, float, GridHit]:
    """The WGS-84 point and its grid; the hit carries every id and code intake needs, so
    neither the grid row (with its polygon) nor the village row is read."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise _invalid("lon", "经纬度必须是数值。") from exc
    try:
        return locate(lon, lat, parse_crs(crs))
    except LocationError as exc:
        raise DomainError(exc.code, exc.message, {"lon": lon, "lat": lat}) from exc


INTAKE_TEXT_LIMITS = {
    "title": 200,
    "description": MAX_TEXT,
    "address": 200,
    "reporter_name": 50,
    "reporter_phone": 32,
    "idempotency_key": 64,
    "result": MAX_TEXT,
}


def _check_texts(texts: dict[str, str]) -> None:
    for name, value in texts.items():
        if not isinstance(value, str) or len(value) > INTAKE_TEXT_LIMITS[name]:
            raise _invalid(name, f"{name} 须为不超过 {INTAKE_TEXT_LIMITS[name]} 字的文本。")


def _check_intake(channel, priority, title: str, self_handled: bool, reporter, result: str):
    if channel not in Channel.values:
        raise _invalid("channel", "不支持的上报渠道。")
    if priority not in Priority.values:
        raise _invalid("priority", "紧急程度取值无效。")
    if not title.strip():
        raise _missing("title", "标题")
    if self_handled:
        if reporter is None or not reporter.has_role(Role.GRID_WORKER):
            raise Forbidden("forbidden", "只有网格员可以上报自行处置的事件。")
        if not result.strip():
            raise _missing("result", "处置结果")


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
    photos: Sequence[UploadedFile] = (),
    now=None,
) -> Intake:
    """Create an event at its receiving centre with its photos, or answer the report made
    earlier with the same key (a phone's resend, the hotline's case id) without writing.

    A self-handled report (自行处置) lands directly in `submitted` for the centre to check.
    """
    if idempotency_key:
        existing = Event.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _duplicate(existing)
    now = now or timezone.now()
    if reporter is not None and not reporter.is_authenticated:
        reporter = None
    texts = {"title": title, "description": description, "address": address}
    texts.update(reporter_name=reporter_name, reporter_phone=reporter_phone, result=result)
    _check_texts({**texts, "idempotency_key": idempotency_key or ""})
    _check_intake(channel, priority, title, self_handled, reporter, result)
    category = _resolve_category(category)
    wgs_lon, wgs_lat, hit = _locate(lon, lat, crs)
    village_code = hit.code[:REGION_CODE_LENGTH]  # a grid code starts with its village's
    if self_handled and not scope_of(reporter).covers(hit.code):
        raise Forbidden("out_of_scope", "自行处置的事件须在本人负责的网格内。")
    centre = receiving_centre(village_code, channel, reporter)
    state = State.SUBMITTED if self_handled else State.REPORTED
    checked = check_uploads(photos)
    try:
        with transaction.atomic():
            event = Event.objects.create(
                tracking_code=new_tracking_code(),
                title=title.strip(),
                description=description,
                category=category,
                priority=priority,
                channel=channel,
                state=state,
                lon=wgs_lon,
                lat=wgs_lat,
                address=address,
                grid_id=hit.grid_id,
                region_id=hit.village_id,
                region_code=village_code,
                reporter=reporter,
                reporter_name=reporter_name,
                reporter_phone=reporter_phone,
                is_anonymous=is_anonymous,
                idempotency_key=idempotency_key or None,
                current_unit=centre,
                centre=centre,
                self_handled=self_handled,
                created_at=now,
            )
            entry = append_entry(
                event,
                action="report",
                actor=reporter,
                from_state="",
                to_state=state,
                now=now,
                comment=result.strip() if self_handled else "",
                payload={"channel": channel, "self_handled": self_handled, "centre": centre.pk},
                first=True,
            )
            start_step(event, Step.CHECK if self_handled else Step.ACCEPT, centre, now)
            saved = save_checked(event, entry, checked, reporter)
    except IntegrityError:
        # Another request with the same key won the race: its event is the answer.
        existing = idempotency_key and Event.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return _duplicate(existing)
        raise
    return Intake(event, entry, tuple(saved))


def _duplicate(event: Event) -> Intake:
    """The earlier report of a resent key, with the photos it was reported with."""
    entry = event.trail.order_by("sequence").first()
    photos = Attachment.objects.filter(trail_entry=entry).order_by("pk")
    return Intake(event, entry, tuple(photos), duplicate=True)


# ---------------------------------------------------------------- actions


def _is_reporter(event: Event, actor, tracking_code) -> bool:
    """The tracking code is the reporter's credential; a reporter's own account works too."""
    if tracking_code and secrets.compare_digest(str(tracking_code).upper(), event.tracking_code):
        return True
    return actor is not None and event.reporter_id is not None and event.reporter_id == actor.pk


def _authorize(spec: ActionSpec, event: Event, actor, tracking_code) -> bool:
    """Role and scope; True when acting as the reporter (no further holder check)."""
    if spec.public and _is_reporter(event, actor, tracking_code):
        return True
    if actor is None or not actor.is_active:
        raise Forbidden("forbidden", "查询码不正确或未登录，无权操作该事件。")
    if not spec.roles or not actor.has_role(*spec.roles):
        raise Forbidden("forbidden", f"您的角色无权执行“{spec.label}”。")
    if not scope_of(actor).covers(event.region_code):
        raise Forbidden("out_of_scope", "该事件不在您的管辖范围内。")
    return False


def _check_state(spec: ActionSpec, event: Event, expected_version) -> None:
    if expected_version is not None and expected_version != event.version:
        raise Conflict(
            "state_conflict",
            "事件已被他人处理，请刷新后重试。",
            {"version": event.version, "state": event.state},
        )
    if event.state not in spec.from_states:
        raise Conflict(
            "state_conflict",
            f"事件当前为“{State(event.state).label}”，不能{spec.label}。",
            {"version": event.version, "state": event.state},
        )


def holds(holder: Holder, event: Event, actor, parts: list[EventPart]) -> bool:
    role = HOLDER_ROLES[holder]
    if role is None or not actor.has_role(role):
        return False
    if holder == Holder.CENTRE:
        return actor.unit_id is not None and actor.unit_id == event.centre_id
    if holder == Holder.RETURN_VISIT:
        direct = event.channel in (Channel.HOTLINE, Channel.OPERATOR)
        return direct and actor.unit_id is not None and actor.unit_id == event.centre_id
    if holder == Holder.LEAD_DEPARTMENT:
        return any(p.department_id == actor.unit_id and p.role == PartRole.LEAD for p in parts)
    if holder == Holder.PART_DEPARTMENT:
        working = (PartRole.LEAD, PartRole.ASSIST)
        return any(p.department_id == actor.unit_id and p.role in working for p in parts)
    if holder == Holder.GRID_WORKER:
        grid_code = Grid.objects.filter(pk=event.grid_id).values_list("code", flat=True).get()
        return (
            scope_of(actor).covers(grid_code)
            or GridAssignment.objects.filter(user=actor, grid_id=event.grid_id).exists()
        )
    return True  # LEADER: role and scope are enough


# The values an action's choice field takes (intake checks its own choices itself).
ACTION_CHOICES = {"priority": tuple(Priority.values)}


def _clean_value(spec: FieldSpec, value):
    kind = spec.kind
    if kind == FieldKind.TEXT:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise _invalid(spec.name, f"{spec.label}须为不超过 {MAX_TEXT} 字的文本。")
        return value.strip()
    if kind == FieldKind.BOOL:
        if not isinstance(value, bool):
            raise _invalid(spec.name, f"{spec.label}须为 true 或 false。")
        return value
    if kind == FieldKind.RATING:
        if value not in Rating.values:
            raise _invalid(spec.name, "评价取值无效。")
        return value
    if kind == FieldKind.CHOICE:
        if value not in ACTION_CHOICES.get(spec.name, ()):
            raise _invalid(spec.name, f"{spec.label}取值无效。")
        return value
    if kind == FieldKind.UNITS:
        if not isinstance(value, list | tuple) or not all(_is_id(v) for v in value):
            raise _invalid(spec.name, f"{spec.label}须为单位编号列表。")
        return list(dict.fromkeys(value))
    if not _is_id(value):
        raise _invalid(spec.name, f"{spec.label}须为正整数。")
    if kind == FieldKind.DAYS and value > MAX_EXTENSION_DAYS:
        raise _invalid(spec.name, f"延期不能超过 {MAX_EXTENSION_DAYS} 个工作日。")
    return value


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _clean_fields(spec: ActionSpec, fields: dict) -> dict:
    known = {f.name for f in spec.fields}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise _invalid(unknown[0], f"“{spec.label}”不接受字段 {', '.join(unknown)}。")
    cleaned = {}
    for field in spec.fields:
        value = fields.get(field.name)
        if isinstance(value, str):
            value = value if value.strip() else None
        if value is None or value == []:
            if field in spec.required_fields:
                raise _missing(field.name, field.label)
            continue
        cleaned[field.name] = _clean_value(field, value)
    return cleaned


def _lock(event_id) -> Event:
    if not _is_id(event_id):
        raise NotFound("event_not_found", "事件不存在。")
    # The category and centre come with the row (every action reads one of them); only the
    # event's own row is locked.
    locked = Event.objects.select_for_update(of=("self",)).select_related("category", "centre")
    event = locked.filter(pk=event_id).first()
    if event is None:
        raise NotFound("event_not_found", "事件不存在。")
    return event


def perform(
    event_id,
    action: str,
    actor,
    *,
    now: datetime | None = None,
    expected_version: int | None = None,
    tracking_code: str | None = None,
    photos: Sequence[UploadedFile] = (),
    **fields,
) -> ActionResult:
    """Apply one action of the state table with its photos; of two concurrent actions
    exactly one wins. The photos are decoded before the row lock is taken and stored with
    the trail entry, so a bad photo refuses the action and nothing is written."""
    spec = ACTIONS.get(action)
    if spec is None or spec.intake:
        raise DomainError("unknown_action", f"未知的操作 {action!r}。", {"action": action})
    checked = _check_photos(spec, photos)
    now = now or timezone.now()
    if actor is not None and not actor.is_authenticated:
        actor = None  # an anonymous request acts only through the tracking code
    with transaction.atomic():
        event = _lock(event_id)
        as_reporter = _authorize(spec, event, actor, tracking_code)
        _check_state(spec, event, expected_version)
        parts = list(event.parts.all())
        if not as_reporter and not any(holds(h, event, actor, parts) for h in spec.holders):
            raise Forbidden("forbidden", f"该事件当前不由您办理，不能{spec.label}。")
        cleaned = _clean_fields(spec, fields)
        ctx = Context(
            event=event,
            spec=spec,
            actor=actor,
            fields=cleaned,
            now=now,
            parts=parts,
            to_state=spec.to_state or event.state,
        )
        copied = event_copies(event)
        TRANSITIONS[action](ctx)
        from_state = event.state
        written = Event.objects.filter(pk=event.pk, version=event.version).update(
            state=ctx.to_state, version=F("version") + 1, updated_at=now, **ctx.changes
        )
        if written != 1:
            raise Conflict("state_conflict", "事件已被他人处理，请刷新后重试。")
        for name, value in ctx.changes.items():
            setattr(event, name, value)
        event.state = ctx.to_state
        event.version += 1
        event.updated_at = now
        if event_copies(event) != copied:  # most actions keep state, closure and category
            sync_event_copies(event)
        entry = append_entry(
            event,
            action=action,
            actor=actor,
            from_state=from_state,
            to_state=ctx.to_state,
            now=now,
            comment=cleaned.get(spec.note, ""),
            payload=ctx.payload,
        )
        saved = save_checked(event, entry, checked, actor)
    return ActionResult(event, entry, tuple(saved))


def _check_photos(spec: ActionSpec, photos: Sequence[UploadedFile]) -> list[CheckedImage]:
    if photos and not spec.photos:
        raise _invalid("photos", f"“{spec.label}”不接受照片。")
    return check_uploads(photos)
