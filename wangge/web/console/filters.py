"""The console queue's filters, read from the query string; bad values are a 400."""

from datetime import date

from django.http import QueryDict

from wangge.events.choices import Priority, State
from wangge.events.models import CardLevel
from wangge.events.queries import (
    LIVE_STATES,
    MAX_QUERY_TEXT,
    SUPERVISED,
    WORK_KIND_VALUES,
    QueueFilters,
)

# Tabs of the queue (the `state` parameter): my work (the default), the live states of the
# whole scope, one state, or everything.
MINE_TAB = "mine"
LIVE_TAB = "live"
ALL_TAB = "all"


class BadFilter(ValueError):
    """A filter value the queue cannot use; the view answers 400."""


def _states(raw: str) -> list[str]:
    if raw == LIVE_TAB:
        return list(LIVE_STATES)
    if raw in (ALL_TAB, MINE_TAB):  # my work chooses its own states
        return []
    if raw not in State.values:
        raise BadFilter("state")
    return [raw]


def _date(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise BadFilter(name) from exc


def _positive(raw: str, name: str) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) <= 18) or int(raw) == 0:
        raise BadFilter(name)
    return int(raw)


def parse(params: QueryDict) -> tuple[str, QueueFilters]:
    """(the selected tab, the filters) from the query string."""
    tab = params.get("state", MINE_TAB) or MINE_TAB
    priority = [p for p in params.getlist("priority") if p]
    if any(p not in Priority.values for p in priority):
        raise BadFilter("priority")
    card = params.get("card_level", "")
    if card and card not in CardLevel.values:
        raise BadFilter("card_level")
    text = params.get("q", "").strip()
    if len(text) > MAX_QUERY_TEXT or "\x00" in text:
        raise BadFilter("q")
    filters = QueueFilters(
        state=_states(tab),
        category=_positive(params.get("category", ""), "category"),
        priority=priority,
        overdue=True if params.get("overdue") in ("1", "on", "true") else None,
        card_level=card,
        q=text,
        created_from=_date(params.get("from", ""), "from"),
        created_to=_date(params.get("to", ""), "to"),
    )
    return tab, filters


def work_kind(params: QueryDict) -> str:
    """The kind of my work shown (`work`): one of the queries' kinds, or "" for all."""
    kind = params.get("work", "")
    if kind and kind not in (*WORK_KIND_VALUES, SUPERVISED):
        raise BadFilter("work")
    return kind


def page_number(params: QueryDict) -> int:
    number = _positive(params.get("page", ""), "page") or 1
    if number > 200:
        raise BadFilter("page")
    return number
