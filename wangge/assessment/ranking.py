"""Assessment scores and rankings of townships, departments and grid workers.

Scores are derived from `compute_metrics` figures only, so a ranking can never
disagree with the metrics a unit sees for itself.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models

from wangge.accounts.models import OrgUnit, Role, UnitKind, User
from wangge.accounts.scope import Scope
from wangge.assessment.metrics import (
    Peers,
    Period,
    Subject,
    UnitMetrics,
    metrics_for_peers,
    metrics_for_subject,
)
from wangge.assessment.models import ScoringRule
from wangge.regions.codes import RegionLevel, significant_prefix
from wangge.regions.models import Region

SCORE_PLACES = Decimal("0.01")


class RankingKind(models.TextChoices):
    TOWNSHIP = "township", "乡镇（街道）"
    DEPARTMENT = "department", "职能部门"
    GRID_WORKER = "grid_worker", "网格员"


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    subject: Subject


@dataclass(frozen=True)
class RankRow:
    rank: int
    key: str
    name: str
    score: Decimal
    metrics: UnitMetrics


def active_rule() -> ScoringRule:
    """The newest active rule; the model's defaults when an administrator set none."""
    return ScoringRule.objects.filter(active=True).order_by("-id").first() or ScoringRule()


def score(metrics: UnitMetrics, rule: ScoringRule) -> Decimal:
    """Base points, minus deductions for cards, overdue and unsatisfied cases and a grid
    worker's overdue visits, plus capped bonuses.

    A red card is counted at its own weight only: the clock that reached red keeps a
    single card level, so the yellow step before it is not deducted again.
    """
    deductions = (
        rule.yellow_card * metrics.yellow_cards
        + rule.red_card * metrics.red_cards
        + rule.overdue * metrics.overdue
        + rule.unsatisfied * metrics.unsatisfied
        + rule.overdue_visit * metrics.visits_overdue
    )
    bonus = rule.self_handled_bonus * metrics.self_handled
    if metrics.on_time_closure_rate == Decimal(1):
        bonus += rule.full_on_time_bonus
    total = rule.base - deductions + min(bonus, rule.max_bonus)
    return total.quantize(SCORE_PLACES)


def candidates_of(kind: str, scope: Scope) -> list[Candidate]:
    """The units a ranking of `kind` compares inside `scope`, in a stable order."""
    if scope.empty:
        return []
    if kind == RankingKind.TOWNSHIP:
        regions = Region.objects.filter(scope.condition("code"), level=RegionLevel.TOWNSHIP)
        return [
            Candidate(r.code, r.name, Subject(code_prefix=significant_prefix(r.code, r.level)))
            for r in regions.order_by("code")
        ]
    if kind == RankingKind.DEPARTMENT:
        units = OrgUnit.objects.filter(scope.condition("region__code"), kind=UnitKind.DEPARTMENT)
        return [
            Candidate(str(u.pk), u.name, Subject(department_id=u.pk))
            for u in units.order_by("name", "pk")
        ]
    if kind == RankingKind.GRID_WORKER:
        workers = User.objects.filter(
            scope.condition("unit__region__code"),
            role_grants__role=Role.GRID_WORKER,
            is_active=True,
        )
        return [
            Candidate(w.username, w.display_name or w.username, Subject(reporter_id=w.pk))
            for w in workers.order_by("username")
        ]
    raise ValueError(f"unknown ranking kind: {kind!r}")


def _metrics(candidates: list[Candidate], period: Period) -> list[UnitMetrics]:
    """Each candidate's figures: a township's from the daily rollup, departments and grid
    workers all together from one set of grouped queries (12 departments of a county at
    1 M events: one pass instead of twelve)."""
    subjects = [candidate.subject for candidate in candidates]
    if not subjects or subjects[0].is_region:
        return [metrics_for_subject(subject, period) for subject in subjects]
    peers = Peers.of(*subjects)
    by_id = metrics_for_peers(peers, period)
    return [by_id[key] for key in peers.ids]


def rank_units(
    *,
    kind: str,
    period_start: date,
    period_end: date,
    scope: Scope,
    rule: ScoringRule | None = None,
) -> list[RankRow]:
    """Candidates of `kind` inside `scope`, best score first; equal scores share a rank."""
    rule = rule or active_rule()
    candidates = candidates_of(kind, scope)
    figures = _metrics(candidates, Period(period_start, period_end))
    scored = [
        (score(metrics, rule), candidate, metrics)
        for candidate, metrics in zip(candidates, figures, strict=True)
    ]
    scored.sort(key=lambda row: (-row[0], row[1].key))
    rows: list[RankRow] = []
    for position, (points, candidate, metrics) in enumerate(scored, start=1):
        rank = rows[-1].rank if rows and rows[-1].score == points else position
        rows.append(RankRow(rank, candidate.key, candidate.name, points, metrics))
    return rows
