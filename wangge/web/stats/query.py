"""The statistics pages' query string: which period and which subject.

    period=month&month=2026-10 | period=quarter&quarter=2026-Q4 |
    period=range&start=2026-10-01&end=2026-10-31
    subject=region:<12 digits> | unit:<id> | worker:<username>   (default: own region)

Bad values raise DomainError `invalid_input` (400); a subject outside the caller's scope
is refused by the API's own resolver (`resolve_subject`: 404), so the page and
/api/metrics agree on who may see what.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from django.http import QueryDict
from django.utils import timezone

from wangge.assessment.api import Resolved, checked_period, resolve_subject
from wangge.assessment.metrics import Period
from wangge.errors import DomainError

PERIOD_KINDS = ("month", "quarter", "range")
SUBJECT_KINDS = ("region", "unit", "worker")
MAX_ID_DIGITS = 9  # a unit id beyond this is no unit, and would overflow the column


@dataclass(frozen=True)
class Asked:
    """A parsed query: the period, its form values, and the resolved subject."""

    kind: str
    period: Period
    subject_value: str
    resolved: Resolved

    def params(self) -> dict[str, str]:
        """The query string that asks for this again (links to the lists, rankings)."""
        params = {"period": "range", "start": str(self.period.start), "end": str(self.period.end)}
        if self.subject_value:
            params["subject"] = self.subject_value
        return params


def _invalid(field: str, value: str) -> DomainError:
    return DomainError("invalid_input", f"参数 {field} 无效。", {"field": field, "value": value})


def _month(raw: str) -> Period:
    try:
        year, month = (int(part) for part in raw.split("-"))
        first = date(year, month, 1)
    except ValueError as exc:
        raise _invalid("month", raw) from exc
    return Period(first, first.replace(day=calendar.monthrange(year, month)[1]))


def _quarter(raw: str) -> Period:
    year, _, number = raw.partition("-Q")
    if not (year.isdigit() and number in ("1", "2", "3", "4")):
        raise _invalid("quarter", raw)
    first_month = 3 * int(number) - 2
    start = _month(f"{year}-{first_month}").start
    return Period(start, _month(f"{year}-{first_month + 2}").end)


def _day(params: QueryDict, field: str) -> date:
    raw = params.get(field, "")
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise _invalid(field, raw) from exc


def parse_period(params: QueryDict) -> tuple[str, Period]:
    """The period asked for; this month by default."""
    kind = params.get("period", "month")
    if kind == "month":
        return kind, _month(params.get("month") or f"{timezone.localdate():%Y-%m}")
    if kind == "quarter":
        today = timezone.localdate()
        default = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
        return kind, _quarter(params.get("quarter") or default)
    if kind == "range":
        return kind, checked_period(_day(params, "start"), _day(params, "end"))
    raise _invalid("period", kind)


def parse_subject(user, raw: str) -> Resolved:
    """The subject asked for, inside the caller's scope (404 outside, as the API)."""
    if not raw:
        return resolve_subject(user, None, None, None)
    kind, _, key = raw.partition(":")
    if kind not in SUBJECT_KINDS or not key:
        raise _invalid("subject", raw)
    if kind == "region":
        return resolve_subject(user, key, None, None)
    if kind == "unit":
        if not key.isdigit() or len(key) > MAX_ID_DIGITS:
            raise _invalid("subject", raw)
        return resolve_subject(user, None, int(key), None)
    return resolve_subject(user, None, None, key)


def parse(user, params: QueryDict) -> Asked:
    kind, period = parse_period(params)
    subject_value = params.get("subject", "")
    return Asked(kind, period, subject_value, parse_subject(user, subject_value))
