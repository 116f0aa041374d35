"""The events behind each figure: every rate's numerator and denominator lists have exactly
as many events as the figures `compute_metrics` shows, for region, department and
grid-worker subjects over random histories (the peers' builder: several parts per event,
clocks of several units, cards, trails)."""

import random

import pytest

from tests.assessment.conftest import at
from tests.assessment.test_peers import _history
from tests.assessment.test_rollup import periods
from wangge.assessment.drilldown import drillable, drillable_rates, events_behind
from wangge.assessment.metrics import RATES, SUMS, Period, Subject, metrics_for_subject
from wangge.errors import DomainError


def _subjects(cast, departments, workers) -> list[Subject]:
    regions = [
        Subject(),
        Subject(code_prefix=cast.jurisdiction.county.code[:6]),
        Subject(code_prefix=cast.jurisdiction.township_1.code[:9]),
    ]
    return [
        *regions,
        *(Subject(department_id=d.pk) for d in departments),
        *(Subject(reporter_id=w.pk) for w in workers),
    ]


def test_every_rate_lists_the_events_it_counts(build, cast):
    departments, workers = _history(build, cast, random.Random(31), 140)
    spans = periods(at("2026-09-01").date(), at("2026-11-30").date(), random.Random(7), extra=3)
    assert set(drillable_rates()) == set(RATES) - {"mediation_success_rate"}
    nonzero = 0
    for subject in _subjects(cast, departments, workers):
        for period in spans:
            shown = metrics_for_subject(subject, period).as_dict()
            for numerator, denominator in drillable_rates().values():
                for figure in (numerator, denominator):
                    listed = events_behind(subject, period, figure)
                    assert listed.count() == shown[figure], (subject, period, figure)
                    assert len({e.pk for e in listed}) == shown[figure]
                    nonzero += bool(shown[figure])
    assert nonzero > 100


def test_sums_list_their_parts(build, cast):
    """The overdue and dispute sums too, and an on-time list lies inside the due list."""
    _history(build, cast, random.Random(37), 60)
    october = Period(at("2026-10-01").date(), at("2026-10-31").date())
    shown = metrics_for_subject(Subject(), october).as_dict()
    for figure in SUMS:
        assert events_behind(Subject(), october, figure).count() == shown[figure], figure
    on_time = set(events_behind(Subject(), october, "closed_on_time").values_list("pk", flat=True))
    due = set(events_behind(Subject(), october, "due").values_list("pk", flat=True))
    assert on_time <= due and len(due) == shown["due"] > 0


def test_a_figure_without_events_is_refused():
    october = Period(at("2026-10-01").date(), at("2026-10-31").date())
    assert not drillable("yellow_cards") and not drillable("mediations_ended")
    assert drillable("received") and drillable("due")
    with pytest.raises(DomainError) as refused:
        events_behind(Subject(), october, "yellow_cards")
    assert refused.value.code == "invalid_figure"
