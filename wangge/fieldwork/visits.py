"""Household visits (入户走访) and special-population visits (走访/帮教).

The visited record is looked up through basedata's own `get_record`, so the worker's data
scope applies (out of scope is 404) and special populations need the `special_population`
personal-data permission (403) exactly as in the base-data API. A special-population visit
moves the record's due date (duevisits.py) in the same transaction.
"""

from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from wangge.basedata.categories import BUILTIN
from wangge.basedata.services import get_record
from wangge.fieldwork import duevisits
from wangge.fieldwork.checks import check_time, check_worker, invalid
from wangge.fieldwork.models import HouseholdVisit, SpecialVisit, VisitKind
from wangge.fieldwork.records import attach_photo, check_photo, create_once, existing, text

RECENT = 50


def _visited_at(value: datetime | None, now: datetime) -> datetime:
    return check_time(value or now, "visited_at", now)


def record_household_visit(
    *,
    worker,
    client_key: str,
    house_id: int,
    notes: str,
    follow_up: str = "",
    visited_at: datetime | None = None,
    photo: UploadedFile | None = None,
    now: datetime | None = None,
) -> tuple[HouseholdVisit, bool]:
    """Record a visit to a house in the worker's scope; (visit, created)."""
    check_worker(worker, "走访")
    key, found = existing(HouseholdVisit, worker, client_key)
    if found is not None:
        return found, False
    now = now or timezone.now()
    visit = HouseholdVisit(
        worker=worker,
        client_key=key,
        visited_at=_visited_at(visited_at, now),
        notes=text(notes, "notes", required=True),
        follow_up=text(follow_up, "follow_up", required=False),
    )
    house = get_record(BUILTIN["house"], worker, house_id)
    checked = check_photo(photo)

    def build() -> HouseholdVisit:
        visit.house, visit.grid_id = house, house.grid_id
        attach_photo(visit, checked)
        visit.save()
        return visit

    return create_once(HouseholdVisit, worker, key, build)


def record_special_visit(
    *,
    worker,
    client_key: str,
    special_id: int,
    kind: str,
    notes: str,
    follow_up: str = "",
    visited_at: datetime | None = None,
    photo: UploadedFile | None = None,
    now: datetime | None = None,
) -> tuple[SpecialVisit, bool]:
    """Record a 走访 or 帮教 and move the record's due date; (visit, created)."""
    check_worker(worker, "走访")
    key, found = existing(SpecialVisit, worker, client_key)
    if found is not None:
        return found, False
    if kind not in VisitKind.values:
        raise invalid("kind", f"kind 须为 {' / '.join(VisitKind.values)}。")
    now = now or timezone.now()
    visit = SpecialVisit(
        worker=worker,
        client_key=key,
        kind=kind,
        visited_at=_visited_at(visited_at, now),
        notes=text(notes, "notes", required=True),
        follow_up=text(follow_up, "follow_up", required=False),
    )
    special = get_record(BUILTIN["special_population"], worker, special_id)
    checked = check_photo(photo)

    def build() -> SpecialVisit:
        visit.special, visit.grid_id = special, special.grid_id
        effect = duevisits.record_visit(special.pk, timezone.localdate(visit.visited_at))
        special.refresh_from_db(fields=["last_visited_on", "next_visit_due", "updated_at"])
        visit.due_on = effect.due_before
        attach_photo(visit, checked)
        visit.save()
        return visit

    return create_once(SpecialVisit, worker, key, build)


def recent_household_visits(worker) -> QuerySet[HouseholdVisit]:
    return HouseholdVisit.objects.filter(worker=worker).select_related("house", "grid")[:RECENT]


def recent_special_visits(worker) -> QuerySet[SpecialVisit]:
    return SpecialVisit.objects.filter(worker=worker).select_related("special", "grid")[:RECENT]
