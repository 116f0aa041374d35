"""Key-place inspections from the field app: basedata's own service, made idempotent.

basedata owns KeyPlaceInspection and its rules (`subrecords.record_inspection`: scope, date,
findings, flags, the place's last inspection date). The phone's outbox needs exactly-once,
so this module keeps the phone's key beside the inspection (FieldInspection) and calls that
service once per key; nothing about inspections is decided here.
"""

from typing import Any

from django.db.models import QuerySet

from wangge.basedata import subrecords
from wangge.basedata.categories import BUILTIN
from wangge.basedata.models import KeyPlace, KeyPlaceInspection
from wangge.basedata.services import visible
from wangge.fieldwork.checks import check_worker
from wangge.fieldwork.models import FieldInspection
from wangge.fieldwork.records import create_once, existing


def record_inspection(
    *, worker, client_key: str, place_id: int, data: dict[str, Any]
) -> tuple[KeyPlaceInspection, bool]:
    """`data` as basedata takes it: inspected_on, findings, hazards_found, rectified."""
    check_worker(worker, "检查")
    key, found = existing(FieldInspection, worker, client_key)
    if found is not None:
        return found.inspection, False

    def build() -> FieldInspection:
        inspection = subrecords.record_inspection(worker, place_id, data)
        return FieldInspection.objects.create(worker=worker, client_key=key, inspection=inspection)

    receipt, created = create_once(FieldInspection, worker, key, build)
    return receipt.inspection, created


def places_in(worker, grids) -> QuerySet[KeyPlace]:
    """The key places of the given grids the worker may see, for the inspection form."""
    return visible(BUILTIN["key_place"], worker).filter(grid__in=grids).order_by("name")
