"""Overdue visits count in the assessment: a grid worker's metrics and score."""

from django.utils import timezone

from wangge.assessment.metrics import compute_metrics
from wangge.assessment.models import ScoringRule
from wangge.assessment.ranking import score
from wangge.fieldwork import visits


def test_an_overdue_visit_counts_and_costs_points_until_it_is_made(field_data, cast):
    worker = cast["grid_worker_1"]
    today = timezone.localdate()
    period = {"period_start": today.replace(day=1), "period_end": today}
    rule = ScoringRule(overdue_visit=2)

    before = compute_metrics(grid_worker=worker, **period)
    assert (before.visits_done, before.visits_overdue) == (0, 1)
    assert score(before, rule) == rule.base - 2

    visits.record_special_visit(
        worker=worker,
        client_key="k1",
        special_id=field_data.special.pk,
        kind="help",
        notes="帮教",
        visited_at=timezone.now(),
    )
    after = compute_metrics(grid_worker=worker, **period)
    assert (after.visits_done, after.visits_overdue) == (1, 0)
    assert score(after, rule) == rule.base
    region = compute_metrics(region_code=cast.jurisdiction.county.code, **period)
    assert region.visits_overdue == 0  # visits are a grid worker's figure
