"""Scores from configurable rules, rankings, and the monthly report command."""

from datetime import date
from decimal import Decimal

from django.core.management import call_command
from openpyxl import load_workbook

from tests.assessment.conftest import at
from tests.jurisdiction import COUNTY, TOWNSHIP_1, TOWNSHIP_2
from wangge.accounts.scope import EVERYTHING
from wangge.assessment.metrics import compute_metrics
from wangge.assessment.models import ScoringRule
from wangge.assessment.ranking import rank_units, score
from wangge.events.choices import Rating, State
from wangge.events.models import CardLevel

OCT = {"period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31)}


def test_score_applies_the_rule_weights(build):
    # One late closure rated unsatisfied with a yellow card on its clock, one closure on
    # time, one self-handled report (closed, on time).
    # Default rule: 100 - 5 (yellow) - 1 (overdue) - 1 (unsatisfied) + 0.5 (self-handled)
    # = 93.50.  Custom rule: base 90, yellow 3, overdue 2, unsatisfied 4, bonus 1 -> 82.
    late = build.event(closed=at("2026-10-08"), rating=Rating.UNSATISFIED)
    build.clock(late, due=at("2026-10-06"), stopped=at("2026-10-08"), card=CardLevel.YELLOW)
    build.event(closed=at("2026-10-08"))
    build.event(closed=at("2026-10-08"), self_handled=True)
    metrics = compute_metrics(region_code=COUNTY, **OCT)

    assert score(metrics, ScoringRule()) == Decimal("93.50")
    custom = ScoringRule(
        base=90, yellow_card=3, overdue=2, unsatisfied=4, self_handled_bonus=1, max_bonus=10
    )
    assert score(metrics, custom) == Decimal("82.00")


def test_bonuses_are_capped_and_full_on_time_closure_earns_one(build):
    # Twelve self-handled closures, all on time: 12 x 0.5 + 5 = 11 bonus, capped at 10.
    for _ in range(12):
        build.event(closed=at("2026-10-08"), self_handled=True)
    metrics = compute_metrics(region_code=COUNTY, **OCT)

    assert metrics.on_time_closure_rate == Decimal(1)
    assert score(metrics, ScoringRule()) == Decimal("110.00")


def test_the_active_rule_from_the_admin_drives_rankings(build):
    # Township 1 closed its case on time: 100 + 5 full on-time bonus = 105.
    # Township 2 has a red card and a case left open: 100 - 10 - 1 = 89.
    build.event(closed=at("2026-10-08"), grid="t1_north")
    e = build.event(state=State.HANDLING, grid="t2_north")
    build.clock(e, due=at("2026-10-03"), card=CardLevel.RED)
    rows = rank_units(kind="township", scope=EVERYTHING, **OCT)
    assert [(r.key, r.rank, r.score) for r in rows] == [
        (TOWNSHIP_1, 1, Decimal("105.00")),
        (TOWNSHIP_2, 2, Decimal("89.00")),
    ]

    # An administrator's newer rule without those deductions and bonus: a shared first place.
    ScoringRule.objects.create(name="宽松", red_card=0, overdue=0, full_on_time_bonus=0)
    rows = rank_units(kind="township", scope=EVERYTHING, **OCT)
    assert [(r.key, r.rank, r.score) for r in rows] == [
        (TOWNSHIP_1, 1, Decimal("100.00")),
        (TOWNSHIP_2, 1, Decimal("100.00")),
    ]


def test_departments_and_grid_workers_are_ranked(build, cast):
    build.part(build.event(closed=at("2026-10-08")), cast.department)
    build.event(closed=at("2026-10-08"), reporter=cast["grid_worker_1"], self_handled=True)

    departments = rank_units(kind="department", scope=EVERYTHING, **OCT)
    workers = rank_units(kind="grid_worker", scope=EVERYTHING, **OCT)

    assert [(r.name, r.metrics.closed) for r in departments] == [("行政执法局", 1)]
    assert [(r.key, r.score) for r in workers] == [
        ("grid_worker_1", Decimal("105.50")),  # 0.5 self-handled + 5 full on-time
        ("grid_worker_2", Decimal("100.00")),
    ]


def test_monthly_report_command_writes_the_workbook(build, tmp_path):
    late = build.event(closed=at("2026-10-08"))
    build.clock(late, due=at("2026-10-06"), stopped=at("2026-10-08"))
    target = tmp_path / "report.xlsx"

    call_command("monthly_report", month="2026-10", region=COUNTY, output=str(target))

    summary = load_workbook(target)["汇总"]
    figures = {row[0]: row[1] for row in summary.iter_rows(min_row=4, values_only=True)}
    assert (figures["应结案数"], figures["按期结案数"], figures["按期结案率"]) == (1, 0, 0)
