"""The events behind a figure of the metrics (drill-down), for the statistics page.

A figure's events are read from the very `Source` its count aggregates
(`metrics.count_sources`: the same rows and the same condition), and a figure made of
counts (`metrics.SUMS`: due, closed on time, …) unites and subtracts those sets exactly
as `compute_metrics` adds and subtracts the counts. So each list has as many events as
the figure it explains; tests/assessment/test_drilldown.py checks every rate's
numerator and denominator on random histories.
"""

from datetime import date
from functools import cache

from django.db.models import Q, QuerySet

from wangge.assessment.metrics import (
    RATES,
    SUMS,
    Peers,
    Period,
    Source,
    Subject,
    count_sources,
    dispute_category_ids,
)
from wangge.errors import DomainError
from wangge.events.models import Event

# Counted over clocks (one per carded clock), not events: they have no list of events.
NOT_EVENTS = frozenset({"yellow_cards", "red_cards"})


def _counted(sources: tuple[Source, ...]) -> dict[str, Source]:
    return {
        name: source for source in sources for name in source.conditions if name not in NOT_EVENTS
    }


def _of(sources: dict[str, Source], names: tuple[str, ...]) -> Q:
    """Events in any of the named counts' sets."""
    condition = Q(pk__in=[])
    for name in names:
        condition |= Q(pk__in=sources[name].events(name).values("pk"))
    return condition


def events_behind(subject: Subject, period: Period, figure: str) -> QuerySet:
    """The events `figure` counts for `subject` in `period`, newest report first.

    Raises DomainError `invalid_figure` for a figure that is not a count of events.
    """
    if not drillable(figure):
        raise DomainError("invalid_figure", "该指标没有事件明细。", {"figure": figure})
    selector = subject if subject.is_region else Peers.of(subject)
    sources = _counted(count_sources(selector, period, dispute_category_ids()))
    if figure in sources:
        events = sources[figure].events(figure)
    else:
        added, taken = SUMS[figure]
        events = Event.objects.filter(_of(sources, added)).exclude(_of(sources, taken))
    return events.order_by("-created_at", "-pk")


def drillable(figure: str) -> bool:
    """Whether `figure` has a list of events (every count of events and every sum of them)."""
    return figure in SUMS or figure in _event_counts()


def drillable_rates() -> dict[str, tuple[str, str]]:
    """The rates whose numerator and denominator both list events (all but mediation)."""
    return {name: parts for name, parts in RATES.items() if all(drillable(part) for part in parts)}


@cache
def _event_counts() -> frozenset[str]:
    """The names of the counts of events; they do not depend on the subject or period."""
    day = date(2000, 1, 1)
    return frozenset(_counted(count_sources(Subject(), Period(day, day), [])))
