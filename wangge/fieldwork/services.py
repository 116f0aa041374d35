"""Patrols: start, record the track, end. Every write of this app goes through here.

Phones work offline and resend what they recorded when the signal returns, so each
function is idempotent by the key the phone generated: starting a patrol twice with one
key returns the first patrol, a track point already stored is counted as a duplicate and
ending an ended patrol returns it unchanged. Times come from the phone (when the fix was
taken, not when it arrived) and are checked against a window around the server clock.

Scope: a grid worker patrols only the grids they are assigned to (GridAssignment), within
their unit's data scope; another worker's patrol is not found.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from wangge.accounts.models import Role
from wangge.accounts.scope import restrict
from wangge.api.errors import ApiError, Conflict, Forbidden, NotFound
from wangge.fieldwork.models import Patrol, TrackPoint
from wangge.regions.models import Grid

MAX_KEY_LENGTH = 64
MAX_POINTS_PER_CALL = 500
# Offline phones send late; a clock a little ahead of the server's is tolerated.
MAX_AGE = timedelta(days=7)
MAX_AHEAD = timedelta(minutes=10)
MAX_ACCURACY_M = 100_000.0


@dataclass(frozen=True)
class TrackResult:
    added: int
    duplicates: int


def invalid(field: str, message: str) -> ApiError:
    return ApiError("invalid_field", message, {"field": field})


def assigned_grids(worker) -> QuerySet[Grid]:
    """The grids the worker is assigned to, within their data scope."""
    grids = Grid.objects.filter(staff__user=worker).distinct().order_by("code")
    return restrict(grids, worker, "code")


def check_worker(worker, what: str = "巡查") -> None:
    if worker is None or not worker.is_authenticated or not worker.is_active:
        raise ApiError("not_authenticated", "请先登录。", status=401)
    if not worker.has_role(Role.GRID_WORKER):
        raise Forbidden("forbidden", f"只有网格员可以记录{what}。")


def check_key(key, field: str = "client_key") -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise invalid(field, f"{field} 须为 1～{MAX_KEY_LENGTH} 个字符（建议使用 UUID）。")
    if "\x00" in key:
        raise invalid(field, f"{field} 含有不允许的字符。")
    return key.strip()


def check_time(value, field: str, now: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise invalid(field, f"{field} 须为带时区的时间。")
    if value > now + MAX_AHEAD or value < now - MAX_AGE:
        raise invalid(field, f"{field} 超出允许范围（最近 7 天内）。")
    return value


def start_patrol(
    *, worker, grid_code: str, client_key: str, started_at: datetime | None = None, now=None
) -> tuple[Patrol, bool]:
    """Start a patrol of one of the worker's grids; (patrol, created)."""
    check_worker(worker)
    key = check_key(client_key)
    existing = Patrol.objects.filter(worker=worker, client_key=key).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    started_at = check_time(started_at or now, "started_at", now)
    grid = assigned_grids(worker).filter(code=grid_code).first() if grid_code else None
    if grid is None:
        raise Forbidden("out_of_scope", "只能巡查分配给您的网格。", {"grid": grid_code})
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                worker=worker, grid=grid, client_key=key, started_at=started_at
            )
    except IntegrityError:
        # A concurrent resend with the same key won the race: its patrol is the answer.
        return Patrol.objects.get(worker=worker, client_key=key), False
    return patrol, True


def own_patrol(worker, client_key: str) -> Patrol:
    """The worker's patrol with this key; another worker's patrol does not exist for them."""
    check_worker(worker)
    patrol = Patrol.objects.select_related("grid").filter(
        worker=worker, client_key=str(client_key)[:MAX_KEY_LENGTH]
    )
    found = patrol.first()
    if found is None:
        raise NotFound("patrol_not_found", "巡查记录不存在。")
    return found


def check_number(value, field: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(field, f"{field} 须为数值。")
    value = float(value)
    if not math.isfinite(value) or not low <= value <= high:
        raise invalid(field, f"{field} 须在 {low}～{high} 之间。")
    return value


def _clean_point(raw: dict[str, Any], now: datetime) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise invalid("points", "每个轨迹点须为对象。")
    accuracy = raw.get("accuracy")
    return {
        "client_key": check_key(raw.get("client_key"), "points.client_key"),
        "recorded_at": check_time(raw.get("recorded_at"), "points.recorded_at", now),
        "lon": check_number(raw.get("lon"), "points.lon", -180, 180),
        "lat": check_number(raw.get("lat"), "points.lat", -90, 90),
        "accuracy": None
        if accuracy is None
        else check_number(accuracy, "points.accuracy", 0, MAX_ACCURACY_M),
    }


def add_track_points(
    *, worker, patrol_key: str, points: Iterable[dict[str, Any]], now=None
) -> TrackResult:
    """Store the fixes not stored yet; a point whose key is known is a duplicate."""
    now = now or timezone.now()
    cleaned = [_clean_point(p, now) for p in points]
    if not cleaned or len(cleaned) > MAX_POINTS_PER_CALL:
        raise invalid("points", f"一次须发送 1～{MAX_POINTS_PER_CALL} 个轨迹点。")
    unique = {p["client_key"]: p for p in cleaned}
    with transaction.atomic():
        patrol = own_patrol(worker, patrol_key)
        patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
        known = set(
            patrol.track.filter(client_key__in=list(unique)).values_list("client_key", flat=True)
        )
        fresh = [p for key, p in unique.items() if key not in known]
        if fresh and patrol.ended_at is not None:
            raise Conflict("patrol_ended", "巡查已结束，不能再添加轨迹点。")
        TrackPoint.objects.bulk_create(TrackPoint(patrol=patrol, **p) for p in fresh)
    return TrackResult(added=len(fresh), duplicates=len(cleaned) - len(fresh))


def end_patrol(*, worker, patrol_key: str, ended_at: datetime | None = None, now=None) -> Patrol:
    """End the patrol; ending it again returns it as it was ended the first time."""
    now = now or timezone.now()
    with transaction.atomic():
        patrol = own_patrol(worker, patrol_key)
        patrol = Patrol.objects.select_for_update().select_related("grid").get(pk=patrol.pk)
        if patrol.ended_at is not None:
            return patrol
        ended_at = check_time(ended_at or now, "ended_at", now)
        if ended_at < patrol.started_at:
            raise invalid("ended_at", "结束时间不能早于开始时间。")
        patrol.ended_at = ended_at
        patrol.save(update_fields=["ended_at"])
    return patrol


def patrol_length_m(points: Iterable[tuple[float, float]]) -> float:
    """Length of a track of (lon, lat) fixes in metres (haversine, spherical Earth)."""
    total, previous = 0.0, None
    for lon, lat in points:
        if previous is not None:
            total += _haversine(previous, (lon, lat))
        previous = (lon, lat)
    return total


def _haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))
