"""Who may see whose field-work figures, and the month they cover.

A grid worker sees their own figures; operators and leaders see the grid workers whose unit
lies in their data scope (another one is 404, as in the assessment API). The figures
themselves are metrics.visit_counts, the function the assessment calls.
"""

import re
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet

from wangge.accounts.models import Role, User
from wangge.accounts.scope import restrict
from wangge.errors import DomainError, Forbidden, NotFound
from wangge.fieldwork.metrics import visit_counts

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_WORKERS = 2000


def month(period: str | None, today: date) -> tuple[date, date]:
    """First and last day of `period` (YYYY-MM), this month when not given."""
    if not period:
        year, number = today.year, today.month
    else:
        found = MONTH.match(period)
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
            raise DomainError(
                "invalid_period", "period 须为 YYYY-MM 形式的月份。", {"period": period}
            )
        year, number = int(found.group(1)), int(found.group(2))
    start = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return start, following - timedelta(days=1)


def workers_in_scope(user) -> QuerySet[User]:
    """Active grid workers whose unit lies in the user's data scope."""
    workers = User.objects.filter(role_grants__role=Role.GRID_WORKER, is_active=True)
    return restrict(workers, user, "unit__region__code").distinct().order_by("username")


def _workers(user, username: str | None) -> list[User]:
    sees_others = user.is_superuser or user.has_role(Role.OPERATOR, Role.LEADER)
    if not sees_others:
        if username and username != user.username:
            raise Forbidden("forbidden", "网格员只能查看本人的统计。")
        return [user]
    workers = workers_in_scope(user)
    if username:
        found = list(workers.filter(username=username))
        if not found:
            message = f"网格员 {username} 不存在或不在您的管辖范围内。"
            raise NotFound("grid_worker_not_found", message)
        return found
    return list(workers[:MAX_WORKERS])


def rows(user, username: str | None, start: date, end: date) -> list[dict[str, Any]]:
    workers = _workers(user, username)
    counts = visit_counts([w.pk for w in workers], start, end)
    return [
        {
            "worker": w.username,
            "name": w.display_name or w.username,
            "period_start": start,
            "period_end": end,
            "household_visits": counts[w.pk].household_visits,
            "special_visits": counts[w.pk].special_visits,
            "visits_done": counts[w.pk].visits_done,
            "late_visits": counts[w.pk].late_visits,
            "visits_overdue": counts[w.pk].visits_overdue,
        }
        for w in workers
    ]
