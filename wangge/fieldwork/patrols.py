"""Patrols: start, record the track, end.

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
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from wangge.errors import Conflict, Forbidden, NotFound
from wangge.fieldwork.checks import (
    MAX_KEY_LENGTH,
    assigned_grids,
    check_key,
    check_number,
    check_time,
    check_worker,
    invalid,
)
from wangge.fieldwork.models import Patrol, TrackPoint

MAX_POINTS_PER_CALL = 500
# Offline phones send late; a clock a little ahead of the server's is tolerated.
MAX_ACCURACY_M = 100_000.0


@dataclass(frozen=True)
class TrackResult:
    added: int
    duplicates: int


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
