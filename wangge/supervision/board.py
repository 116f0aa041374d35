"""The supervision board: running step clocks in a user's scope, by card level.

Columns follow the ladder of docs/SUPERVISION.md: clocks still before their deadline
(with the warning light of `light_at`), then 普通督办, 黄牌督办 and 红牌督办. Only running
clocks are read (stopped and paused ones are history), so the cost follows the number of
open steps, not of events.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import restrict
from wangge.events.clocks import light_at
from wangge.events.models import CardLevel, Clock, Light

COLUMNS = (
    (CardLevel.NONE, _("预警")),
    (CardLevel.NORMAL, _("普通督办")),
    (CardLevel.YELLOW, _("黄牌督办")),
    (CardLevel.RED, _("红牌督办")),
)


@dataclass(frozen=True)
class BoardItem:
    clock: Clock
    light: str
    # The next thing to happen: the deadline before it, then the next card; None after red.
    next_at: datetime | None


@dataclass(frozen=True)
class Column:
    level: str
    label: str
    count: int
    items: list[BoardItem]


def running_clocks(user) -> QuerySet:
    running = Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True)
    return restrict(running, user, "event__region_code")


def _item(clock: Clock, now: datetime) -> BoardItem:
    if clock.card_level == CardLevel.NONE:
        return BoardItem(clock, light_at(clock, now), clock.due_at)
    return BoardItem(clock, Light.RED, clock.next_check_at)


def board(user, now: datetime, per_column: int = 30) -> list[Column]:
    """The columns with their counts and the most pressing clocks of each (earliest
    deadline first: in the first column that is also the order of the lights)."""
    clocks = running_clocks(user)
    counts = dict(
        clocks.values_list("card_level")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("card_level", "n")
    )
    related = ("event", "event__category", "unit")
    columns = []
    for level, label in COLUMNS:
        rows = clocks.filter(card_level=level).select_related(*related).order_by("due_at", "id")
        items = [_item(c, now) for c in rows[:per_column]]
        columns.append(Column(level, str(label), counts.get(level, 0), items))
    return columns
