"""The checks every fieldwork write shares: who may record, the phone's keys, times, numbers.

Phones resend what they recorded offline, so every record carries a key generated on the
phone (at most MAX_KEY_LENGTH characters) and a time taken on the phone, accepted within a
window around the server clock.
"""

import math
from datetime import datetime, timedelta

from django.db.models import QuerySet

from wangge.accounts.models import Role
from wangge.accounts.scope import restrict
from wangge.errors import DomainError, Forbidden
from wangge.regions.models import Grid

MAX_KEY_LENGTH = 64
MAX_AGE = timedelta(days=7)
MAX_AHEAD = timedelta(minutes=10)


def invalid(field: str, message: str) -> DomainError:
    return DomainError("invalid_field", message, {"field": field})


def assigned_grids(worker) -> QuerySet[Grid]:
    """The grids the worker is assigned to, within their data scope."""
    grids = Grid.objects.filter(staff__user=worker).distinct().order_by("code")
    return restrict(grids, worker, "code")


def check_worker(worker, what: str = "巡查") -> None:
    if worker is None or not worker.is_authenticated or not worker.is_active:
        raise DomainError("not_authenticated", "请先登录。", status=401)
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


def check_number(value, field: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(field, f"{field} 须为数值。")
    value = float(value)
    if not math.isfinite(value) or not low <= value <= high:
        raise invalid(field, f"{field} 须在 {low}～{high} 之间。")
    return value
