"""What each additive metric counts, as conditions on an event or a clock.

The per-event queries (wangge/assessment/metrics.py) and the daily rollup
(wangge/assessment/rollup.py) both count from these, the one per period and the other
per day and village, so a definition changes in one place; docs/METRICS.md says what
each means.
"""

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from wangge.events.choices import SATISFIED_RATINGS, Channel, State
from wangge.events.models import CardLevel

# Events that never became cases: they are counted, but never due for closure.
NOT_CASES = (State.REJECTED, State.MERGED, State.WITHDRAWN)
# The trail actions whose events are counted, by the name of their count.
FLOW_ACTIONS = {"dispatched": "dispatch", "returned": "return", "shelved": "approve_shelve"}

# Counted by the day of the report.
REPORTS = {
    "received": Q(),
    "rejected": Q(state=State.REJECTED),
    "merged": Q(state=State.MERGED),
    "withdrawn": Q(state=State.WITHDRAWN),
    "self_handled": Q(self_handled=True),
    "hotline_cases": Q(channel=Channel.HOTLINE) & ~Q(state__in=NOT_CASES),
}
# A hotline case closed without ever being handed on (首呼解决, once closed in time).
FIRST_CALL_CLOSED = Q(channel=Channel.HOTLINE, state=State.CLOSED, routed=False)
CLOSED_LATE = Q(closed_late=True)


def closures(disputes: list[int]) -> dict[str, Q]:
    """Counted over the events closed (now) by the day of their closure."""
    return {
        "closed": Q(),
        "evaluated": ~Q(rating=""),
        "satisfied": Q(rating__in=SATISFIED_RATINGS),
        "dispute_closed": Q(category_id__in=disputes),
        "reworked": Q(reworked=True),
        "extended": Q(extended=True),
    }


def lapsed(start: datetime, end: datetime) -> Q:
    """A clock whose deadline in the period has lapsed.

    A deadline later today or later this month has not lapsed yet: a running clock is
    unmet only once its due time is past (or the sweep has carded it), so a period
    still under way counts only the deadlines up to now.
    """
    due_in_period = Q(due_at__gte=start, due_at__lt=end)
    return Q(due_at__gte=start, due_at__lt=min(end, timezone.now())) | (
        due_in_period & ~Q(card_level=CardLevel.NONE)
    )


def tallies(conditions: dict[str, Q], within: Q | None = None) -> dict[str, Count]:
    """One `COUNT` per condition, each also restricted to `within` when given."""
    counted = {}
    for name, condition in conditions.items():
        where = condition if within is None else within & condition
        counted[name] = Count("pk", filter=where) if where else Count("pk")
    return counted
