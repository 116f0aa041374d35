"""The official working calendar and the three ways a time limit is measured.

Which days are working days
    1. an administrator's `Holiday` row for the date (entered in the admin), else
    2. the `chinese-calendar` package for the years it covers (public holidays and the
       调休 make-up working days announced by the State Council), else
    3. plain weekends (Monday to Friday work) — and a year after the package's last one is
       reported by `calendar_warnings()` (and logged once) so administrators see that its
       holidays still need entering.
    A year counts as covered as soon as the package covers it or it has at least one
    `Holiday` row: entering the 2027 announcement in the admin silences the warning.
    Nothing here ever raises for an uncovered year; the fallback keeps actions working.

How a limit is measured (a `Meter`)
    - minutes: wall-clock time.
    - working days: every working day counts in full (24 h), other days not at all, so
      "N working days" from 10:00 on a working day ends at 10:00 on the N-th working day
      after it; work started on a non-working day counts from the next working day's start.
    - working hours: only office hours of working days count (default 08:30–12:00 and
      13:30–17:30 Asia/Shanghai, setting WANGGE_OFFICE_HOURS), so two working hours from
      17:00 end at 10:00 on the next working day.
    Each meter maps a moment to a position (seconds of counted time since an epoch) and
    back; deadlines, pauses and warning thresholds are all arithmetic on positions.

Per-year day sets are cached in memory; saving a `Holiday` clears this process's cache and
other processes pick changes up within CACHE_SECONDS.
"""

import logging
import time
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.conf import settings

from wangge.events.choices import LimitUnit

logger = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
DAY = 86400
EPOCH_YEAR = 2000
CACHE_SECONDS = 60
DEFAULT_OFFICE_HOURS = "08:30-12:00,13:30-17:30"


@dataclass(frozen=True)
class YearDays:
    """One year's working days: a flag per day-of-year and the sorted working dates."""

    year: int
    working: tuple[bool, ...]
    working_dates: tuple[date, ...]
    source: str  # "package", "admin" or "weekends"


_years: dict[int, YearDays] = {}
_loaded_at = 0.0
_warned_years: set[int] = set()
# Working days before 1 January of each year, counted from EPOCH_YEAR.
_year_starts: dict[int, int] = {}


def clear_cache() -> None:
    global _loaded_at
    _years.clear()
    _year_starts.clear()
    _loaded_at = time.monotonic()


def _fresh() -> None:
    if time.monotonic() - _loaded_at > CACHE_SECONDS:
        clear_cache()


@cache
def _package_days() -> tuple[range, dict[date, bool]]:
    """The package's covered years and its exceptions to the weekday rule."""
    from chinese_calendar import constants

    years = range(min(constants.holidays).year, max(constants.holidays).year + 1)
    exceptions = {d: False for d in constants.holidays}
    exceptions.update({d: True for d in constants.workdays})
    return years, exceptions


def package_years() -> range:
    return _package_days()[0]


def _admin_days(year: int) -> dict[date, bool]:
    from wangge.events.models import Holiday

    rows = Holiday.objects.filter(date__year=year).values_list("date", "is_working_day")
    return dict(rows)


def year_days(year: int) -> YearDays:
    _fresh()
    found = _years.get(year)
    if found is not None:
        return found
    covered, package = _package_days()
    admin = _admin_days(year)
    if year in covered:
        source = "package"
    elif admin:
        source = "admin"
    else:
        source = "weekends"
        if year > covered.stop - 1 and year not in _warned_years:
            _warned_years.add(year)
            logger.warning(
                "Working calendar: no holiday data for %s, falling back to weekends", year
            )
    flags = []
    day = date(year, 1, 1)
    while day.year == year:
        working = day.weekday() < 5
        if source == "package":
            working = package.get(day, working)
        flags.append(admin.get(day, working))
        day += timedelta(days=1)
    start = date(year, 1, 1)
    dates = tuple(start + timedelta(days=i) for i, w in enumerate(flags) if w)
    found = YearDays(year, tuple(flags), dates, source)
    _years[year] = found
    return found


def is_working_day(day: date) -> bool:
    return year_days(day.year).working[day.timetuple().tm_yday - 1]


def uncovered_years(first: date, last: date) -> list[int]:
    return [y for y in range(first.year, last.year + 1) if year_days(y).source == "weekends"]


def calendar_warnings(today: date | None = None) -> list[str]:
    """Messages for administrators about years in the next 12 months without holiday data."""
    today = today or datetime.now(TZ).date()
    return [
        f"{year} 年的法定节假日与调休安排尚未录入，工作日暂按周一至周五计算，请在“节假日”中录入。"
        for year in uncovered_years(today, today + timedelta(days=365))
    ]


def _working_days_before_year(year: int) -> int:
    if year < EPOCH_YEAR:
        raise ValueError(f"dates before {EPOCH_YEAR} are not supported")
    _fresh()
    found = _year_starts.get(year)
    if found is None:
        found = (
            0
            if year == EPOCH_YEAR
            else _working_days_before_year(year - 1) + len(year_days(year - 1).working_dates)
        )
        _year_starts[year] = found
    return found


def working_days_before(day: date) -> int:
    """The index of `day` among working days since the epoch (working days strictly before)."""
    found = year_days(day.year)
    index = bisect_right(found.working_dates, day - timedelta(days=1))
    return _working_days_before_year(day.year) + index


def nth_working_day(index: int) -> date:
    """The working day with the given index (0 = the first working day of EPOCH_YEAR)."""
    year = EPOCH_YEAR + index // 251
    while _working_days_before_year(year + 1) <= index:
        year += 1
    while _working_days_before_year(year) > index:
        year -= 1
    return year_days(year).working_dates[index - _working_days_before_year(year)]


def parse_office_hours(text: str) -> tuple[tuple[int, int], ...]:
    """'08:30-12:00,13:30-17:30' -> ((30600, 43200), (48600, 63000)) seconds of the day."""

    def seconds(hhmm: str) -> int:
        hours, minutes = hhmm.strip().split(":")
        return int(hours) * 3600 + int(minutes) * 60

    spans = []
    for part in text.split(","):
        start, end = part.split("-")
        spans.append((seconds(start), seconds(end)))
    if any(s >= e for s, e in spans) or any(a[1] > b[0] for a, b in pairwise(spans)):
        raise ValueError(f"office hours must be ordered, non-overlapping spans: {text!r}")
    return tuple(spans)


class Meter:
    """Counts time inside fixed daily spans of working days (see the module docstring)."""

    def __init__(self, spans: tuple[tuple[int, int], ...]):
        self.spans = spans
        self.per_day = sum(e - s for s, e in spans)

    def _within(self, seconds: float) -> float:
        return sum(max(0.0, min(seconds, e) - s) for s, e in self.spans)

    def position(self, moment: datetime) -> float:
        local = moment.astimezone(TZ)
        day = local.date()
        before = working_days_before(day) * self.per_day
        if not is_working_day(day):
            return float(before)
        midnight = datetime.combine(day, dtime(), TZ)
        return before + self._within((local - midnight).total_seconds())

    def moment(self, position: float) -> datetime:
        """The earliest moment at which the counted time reaches `position`."""
        full, rest = divmod(position, self.per_day)
        full = int(full)
        if rest == 0 and full > 0:
            day, rest, full = nth_working_day(full - 1), float(self.per_day), full - 1
        else:
            day = nth_working_day(full)
        offset = 0.0
        for start, end in self.spans:
            if rest <= end - start:
                offset = start + rest
                break
            rest -= end - start
        return datetime.combine(day, dtime(), TZ) + timedelta(seconds=offset)


class WallClock:
    """Minutes are plain elapsed time."""

    def position(self, moment: datetime) -> float:
        return moment.timestamp()

    def moment(self, position: float) -> datetime:
        return datetime.fromtimestamp(position, TZ)


WORKING_DAYS = Meter(((0, DAY),))
WALL_CLOCK = WallClock()


def working_hours_meter() -> Meter:
    text = getattr(settings, "WANGGE_OFFICE_HOURS", DEFAULT_OFFICE_HOURS)
    return _office_meter(text)


@cache
def _office_meter(text: str) -> Meter:
    return Meter(parse_office_hours(text))


def meter_for(unit: str) -> Meter | WallClock:
    if unit == LimitUnit.MINUTES:
        return WALL_CLOCK
    if unit == LimitUnit.WORKING_HOURS:
        return working_hours_meter()
    return WORKING_DAYS


def seconds_of(amount: float, unit: str) -> float:
    """How many seconds of the unit's counted time `amount` units are."""
    if unit == LimitUnit.MINUTES:
        return amount * 60
    if unit == LimitUnit.WORKING_HOURS:
        return amount * 3600
    return amount * DAY


def add(start: datetime, amount: float, unit: str) -> datetime:
    meter = meter_for(unit)
    return meter.moment(meter.position(start) + seconds_of(amount, unit))
