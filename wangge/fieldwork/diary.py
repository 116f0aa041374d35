"""The work diary (民情日记): a worker's own notes of a day, with an optional place and photo.

A diary is personal working material: only its author reads it (the API lists the caller's
own entries). The day may be up to DIARY_MAX_AGE_DAYS back, for notes written up later.
"""

from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from wangge.fieldwork.checks import check_number, check_worker, invalid
from wangge.fieldwork.models import DiaryEntry
from wangge.fieldwork.records import attach_photo, check_photo, create_once, existing, text

DIARY_MAX_AGE_DAYS = 31
MAX_DIARY_TEXT = 8000
RECENT = 50


def _day(value: date | None, today: date) -> date:
    if value is None:
        return today
    if isinstance(value, datetime) or not isinstance(value, date):
        raise invalid("day", "day 须为日期（YYYY-MM-DD）。")
    # One day ahead is tolerated: a phone's date can be past midnight before the server's.
    if not today - timedelta(days=DIARY_MAX_AGE_DAYS) <= value <= today + timedelta(days=1):
        raise invalid("day", f"day 须在最近 {DIARY_MAX_AGE_DAYS} 天内。")
    return value


def write_entry(
    *,
    worker,
    client_key: str,
    text_value: str,
    day: date | None = None,
    lon: float | None = None,
    lat: float | None = None,
    photo: UploadedFile | None = None,
    now: datetime | None = None,
) -> tuple[DiaryEntry, bool]:
    check_worker(worker, "民情日记")
    key, found = existing(DiaryEntry, worker, client_key)
    if found is not None:
        return found, False
    today = timezone.localdate(now or timezone.now())
    if (lon is None) != (lat is None):
        raise invalid("lon", "经度和纬度须同时填写或同时留空。")
    entry = DiaryEntry(
        worker=worker,
        client_key=key,
        day=_day(day, today),
        text=text(text_value, "text", required=True, limit=MAX_DIARY_TEXT),
        lon=None if lon is None else check_number(lon, "lon", -180, 180),
        lat=None if lat is None else check_number(lat, "lat", -90, 90),
    )
    checked = check_photo(photo)

    def build() -> DiaryEntry:
        attach_photo(entry, checked)
        entry.save()
        return entry

    return create_once(DiaryEntry, worker, key, build)


def own_entries(worker) -> QuerySet[DiaryEntry]:
    return DiaryEntry.objects.filter(worker=worker)[:RECENT]
