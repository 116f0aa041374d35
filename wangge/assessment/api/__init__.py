"""Metrics, rankings and the monthly report over HTTP; every figure comes from the metrics service.

Rates are JSON numbers (0.9372 means 93.72%) or null when nothing was due; never strings.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from ninja import Router, Schema

from wangge.accounts.models import OrgUnit, Role, User
from wangge.accounts.scope import Scope, scope_of
from wangge.api.permissions import roles
from wangge.assessment.metrics import Period, Subject, metrics_for_subject, region_prefix
from wangge.assessment.ranking import RankingKind, active_rule, rank_units, score
from wangge.assessment.reports import (
    CONTENT_TYPES,
    REPORT_FORMATS,
    build_monthly_report,
    parse_month,
    render,
)
from wangge.errors import DomainError, Forbidden, NotFound
from wangge.regions.models import Region

router = Router(tags=["assessment"])

METRICS_ROLES = (Role.OPERATOR, Role.LEADER, Role.DEPARTMENT_HANDLER, Role.SYSTEM_ADMIN)
RANKING_ROLES = (Role.OPERATOR, Role.LEADER, Role.SYSTEM_ADMIN)
MAX_PERIOD_DAYS = 366
OUT_OF_SCOPE = "不存在或不在您的管辖范围内。"


class SubjectOut(Schema):
    kind: str
    key: str | None
    name: str


class MetricsOut(Schema):
    subject: SubjectOut
    score: float
    metrics: dict[str, Any]


class RankRowOut(Schema):
    rank: int
    key: str
    name: str
    score: float
    metrics: dict[str, Any]


@dataclass(frozen=True)
class Resolved:
    kind: str
    key: str | None
    name: str
    subject: Subject


def _json_metrics(metrics) -> dict[str, Any]:
    """Decimals become JSON numbers: pydantic would otherwise emit them as strings."""
    return {
        name: float(value) if isinstance(value, Decimal) else value
        for name, value in metrics.as_dict().items()
    }


def checked_period(period_start: date, period_end: date) -> Period:
    if period_end < period_start:
        raise DomainError(
            "invalid_period", "统计截止日期早于开始日期。", {"period_end": str(period_end)}
        )
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise DomainError("invalid_period", "统计期间最长一年。", {"max_days": MAX_PERIOD_DAYS})
    return Period(period_start, period_end)


def _region(code: str, scope: Scope) -> Region:
    try:
        region_prefix(code)
    except ValueError as exc:
        raise DomainError("invalid_region", "区划代码应为 12 位数字。", {"region": code}) from exc
    region = Region.objects.filter(code=code).first()
    if region is None or not scope.covers(code):
        raise NotFound("region_not_found", f"区划 {code} {OUT_OF_SCOPE}")
    return region


def resolve_subject(
    user, region: str | None, unit: int | None, grid_worker: str | None
) -> Resolved:
    """The subject asked for, refused unless it lies inside the caller's data scope."""
    if sum(x is not None for x in (region, unit, grid_worker)) > 1:
        raise DomainError("invalid_input", "region、unit、grid_worker 只能指定其一。")
    scope = scope_of(user)
    if scope.empty:
        raise Forbidden("out_of_scope", "您没有所属单位，无权查看考核数据。")
    restricted_to_own_unit = not user.is_superuser and not user.has_role(
        Role.OPERATOR, Role.LEADER, Role.SYSTEM_ADMIN
    )
    if restricted_to_own_unit:
        if region is not None or grid_worker is not None:
            raise Forbidden("forbidden", "部门处置人员只能查看本部门的考核数据。")
        if unit is not None and unit != user.unit_id:
            raise NotFound("unit_not_found", f"单位 {unit} {OUT_OF_SCOPE}")
        unit = user.unit_id
    if unit is not None:
        found = OrgUnit.objects.select_related("region").filter(pk=unit).first()
        if found is None or not scope.covers(found.region.code):
            raise NotFound("unit_not_found", f"单位 {unit} {OUT_OF_SCOPE}")
        if found.kind == "department":
            return Resolved("unit", str(found.pk), found.name, Subject(department_id=found.pk))
        prefix = region_prefix(found.region.code)
        return Resolved("unit", str(found.pk), found.name, Subject(code_prefix=prefix))
    if grid_worker is not None:
        worker = (
            User.objects.select_related("unit__region")
            .filter(username=grid_worker, role_grants__role=Role.GRID_WORKER)
            .first()
        )
        if worker is None or worker.unit is None or not scope.covers(worker.unit.region.code):
            raise NotFound("grid_worker_not_found", f"网格员 {grid_worker} {OUT_OF_SCOPE}")
        name = worker.display_name or worker.username
        return Resolved("grid_worker", worker.username, name, Subject(reporter_id=worker.pk))
    if region is None and scope.prefix is None:
        return Resolved("all", None, "全部", Subject())
    found_region = _region(region or user.unit.region.code, scope)
    prefix = region_prefix(found_region.code)
    return Resolved("region", found_region.code, found_region.name, Subject(code_prefix=prefix))


@router.get("/metrics", response=MetricsOut, summary="Assessment metrics of one subject")
@roles(*METRICS_ROLES)
def get_metrics(
    request,
    period_start: date,
    period_end: date,
    region: str | None = None,
    unit: int | None = None,
    grid_worker: str | None = None,
):
    """Figures for a region subtree, a unit or a grid worker; defaults to the caller's own region.

    Definitions: docs/METRICS.md. A department handler sees only their own department.
    """
    period = checked_period(period_start, period_end)
    resolved = resolve_subject(request.auth, region, unit, grid_worker)
    metrics = metrics_for_subject(resolved.subject, period)
    return {
        "subject": {"kind": resolved.kind, "key": resolved.key, "name": resolved.name},
        "score": float(score(metrics, active_rule())),
        "metrics": _json_metrics(metrics),
    }


@router.get("/rankings", response=list[RankRowOut], summary="Scores and ranks of peer units")
@roles(*RANKING_ROLES)
def get_rankings(request, kind: RankingKind, period_start: date, period_end: date):
    """Townships, departments or grid workers inside the caller's scope, best first."""
    period = checked_period(period_start, period_end)
    rows = rank_units(
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        scope=scope_of(request.auth),
    )
    return [
        {
            "rank": row.rank,
            "key": row.key,
            "name": row.name,
            "score": float(row.score),
            "metrics": _json_metrics(row.metrics),
        }
        for row in rows
    ]


@router.get("/reports/monthly", summary="Monthly assessment report as an Excel or PDF file")
@roles(*RANKING_ROLES)
def monthly_report(request, month: str, region: str | None = None, format: str = "xlsx"):
    if format not in REPORT_FORMATS:
        raise DomainError("invalid_format", "报表格式应为 xlsx 或 pdf。", {"format": format})
    try:
        first_day = parse_month(month)
    except ValueError as exc:
        raise DomainError("invalid_month", "月份格式应为 YYYY-MM。", {"month": month}) from exc
    user = request.auth
    scope = scope_of(user)
    if region is None:
        if user.unit is None:
            raise DomainError("missing_field", "请指定区划 region。", {"field": "region"})
        region = user.unit.region.code
    found = _region(region, scope)
    content = render(build_monthly_report(first_day, found), format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    filename = f"monthly-report-{found.code}-{first_day:%Y-%m}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
