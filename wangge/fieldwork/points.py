"""The household points ledger (积分): entries of plus or minus points with a reason.

The household is a base-data House (one 户 per house record). Entries are never edited or
deleted: a correction is a new entry with the opposite sign, so the balance is always the
sum of the ledger and the ledger is its own audit. Grid workers record entries for houses
in their data scope; operators and leaders read ledgers in theirs.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet, Sum
from django.utils import timezone

from wangge.basedata.categories import BUILTIN
from wangge.basedata.models import House
from wangge.basedata.services import get_record
from wangge.fieldwork.checks import check_time, check_worker, invalid
from wangge.fieldwork.models import PointsEntry
from wangge.fieldwork.records import create_once, existing, text

MAX_POINTS_PER_ENTRY = 100
MAX_REASON = 200
LEDGER_LINES = 100


@dataclass(frozen=True)
class Ledger:
    house: House
    balance: int
    entries: list[PointsEntry]


def _points(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("points", "points 须为整数。")
    if value == 0 or abs(value) > MAX_POINTS_PER_ENTRY:
        limit = MAX_POINTS_PER_ENTRY
        raise invalid("points", f"points 须为 -{limit}～{limit} 之间的非零整数。")
    return value


def add_entry(
    *,
    worker,
    client_key: str,
    house_id: int,
    points: int,
    reason: str,
    recorded_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[PointsEntry, bool]:
    check_worker(worker, "积分")
    key, found = existing(PointsEntry, worker, client_key)
    if found is not None:
        return found, False
    now = now or timezone.now()
    entry = PointsEntry(
        worker=worker,
        client_key=key,
        points=_points(points),
        reason=text(reason, "reason", required=True, limit=MAX_REASON),
        recorded_at=check_time(recorded_at or now, "recorded_at", now),
    )
    house = get_record(BUILTIN["house"], worker, house_id)

    def build() -> PointsEntry:
        entry.house, entry.grid_id = house, house.grid_id
        entry.save()
        return entry

    return create_once(PointsEntry, worker, key, build)


def balance_of(house: House) -> int:
    return PointsEntry.objects.filter(house=house).aggregate(total=Sum("points"))["total"] or 0


def ledger(user, house_id: int, lines: int = LEDGER_LINES) -> Ledger:
    """A household's balance and latest entries, for a user whose scope holds the house."""
    house = get_record(BUILTIN["house"], user, house_id)
    entries: QuerySet[PointsEntry] = PointsEntry.objects.filter(house=house).select_related(
        "worker"
    )
    return Ledger(house, balance_of(house), list(entries[:lines]))
