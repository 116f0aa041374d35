"""The 统计 section: any unit in scope, any period, with the metrics of docs/METRICS.md.

Every figure comes from the metrics service the API and the big screen call
(`metrics_for_subject`); each rate links to the events of its numerator and of its
denominator, listed by `assessment.drilldown.events_behind` from the very rows the
counts count, so a list always has as many events as the figure beside its link.
"""

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.models import OrgUnit, Role, UnitKind
from wangge.accounts.scope import Scope, scope_of
from wangge.assessment.breakdown import daily_counts
from wangge.assessment.drilldown import drillable, events_behind
from wangge.assessment.metrics import RATES, Period, UnitMetrics, metrics_for_subject
from wangge.assessment.ranking import RankingKind, active_rule, rank_units, score
from wangge.assessment.reports import REPORT_FORMATS
from wangge.errors import DomainError
from wangge.regions.codes import RegionLevel
from wangge.regions.models import Region
from wangge.web.eventlinks import event_page
from wangge.web.pages import staff_page
from wangge.web.stats.query import Asked, parse

STATS_ROLES = (Role.OPERATOR, Role.LEADER, Role.SYSTEM_ADMIN)  # as /api/rankings
PAGE_SIZE = 50
MAX_PAGE = 10_000
RANKING_TOP = 10
DEFAULT_FIGURE = "due"  # the list the page opens on without a figure: what was due
RANKING_SECONDS = 300  # rankings move slowly; the screen keeps them as long

RATE_LABELS = {
    "closure_rate": gettext_lazy("结案率"),
    "on_time_closure_rate": gettext_lazy("按期结案率"),
    "handling_rate": gettext_lazy("处置率"),
    "rework_rate": gettext_lazy("返工率"),
    "extension_rate": gettext_lazy("延期率"),
    "satisfaction_rate": gettext_lazy("满意率"),
    "mediation_success_rate": gettext_lazy("调解成功率"),
    "first_call_resolution_rate": gettext_lazy("首呼解决率"),
}
COUNT_LABELS = {
    "received": gettext_lazy("上报数"),
    "accepted": gettext_lazy("受理数"),
    "rejected": gettext_lazy("不予受理数"),
    "merged": gettext_lazy("合并数"),
    "withdrawn": gettext_lazy("撤销数"),
    "self_handled": gettext_lazy("自行处置数"),
    "dispatched": gettext_lazy("派遣数"),
    "returned": gettext_lazy("退回数"),
    "shelved": gettext_lazy("挂账数"),
    "verified": gettext_lazy("核实数"),
    "due": gettext_lazy("应结案数"),
    "closed": gettext_lazy("结案数"),
    "closed_on_time": gettext_lazy("按期结案数"),
    "overdue": gettext_lazy("逾期数"),
    "handled": gettext_lazy("处置数"),
    "reworked": gettext_lazy("返工数"),
    "extended": gettext_lazy("延期数"),
    "evaluated": gettext_lazy("评价数"),
    "satisfied": gettext_lazy("满意数"),
    "dispute_due": gettext_lazy("矛盾纠纷应结案数"),
    "dispute_closed": gettext_lazy("矛盾纠纷结案数"),
    "hotline_cases": gettext_lazy("热线案件数"),
    "hotline_first_call_resolved": gettext_lazy("首呼解决数"),
    "yellow_cards": gettext_lazy("黄牌督办数"),
    "red_cards": gettext_lazy("红牌督办数"),
    "mediations_ended": gettext_lazy("调解结束数"),
    "mediations_succeeded": gettext_lazy("调解成功数"),
    "visits_done": gettext_lazy("走访数"),
    "visits_overdue": gettext_lazy("逾期走访数"),
}
RANKING_TITLES = {
    RankingKind.TOWNSHIP: gettext_lazy("乡镇（街道）排名"),
    RankingKind.DEPARTMENT: gettext_lazy("职能部门排名"),
    RankingKind.GRID_WORKER: gettext_lazy("网格员排名"),
}
SUBJECT_PREFIX = {
    RankingKind.TOWNSHIP: "region",
    RankingKind.DEPARTMENT: "unit",
    RankingKind.GRID_WORKER: "worker",
}


def _refused(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal as a page: its status (400, 403, 404), code and message."""
    context = {"code": error.code, "message": error.message}
    return render(request, "web/stats/refused.html", context, status=error.status)


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _list_url(asked: Asked, figure: str) -> str:
    return f"{reverse('web:stats_events')}?{urlencode({**asked.params(), 'figure': figure})}"


def _figure(asked: Asked, metrics: UnitMetrics, name: str) -> dict:
    url = _list_url(asked, name) if drillable(name) else ""
    return {"name": name, "label": COUNT_LABELS[name], "value": getattr(metrics, name), "url": url}


def _rates(asked: Asked, metrics: UnitMetrics) -> list[dict]:
    return [
        {
            "name": name,
            "label": RATE_LABELS[name],
            "text": _percent(getattr(metrics, name)),
            "numerator": _figure(asked, metrics, numerator),
            "denominator": _figure(asked, metrics, denominator),
        }
        for name, (numerator, denominator) in RATES.items()
    ]


def _ranking(kind: str, scope: Scope, period: Period) -> dict:
    """The top of one ranking inside the scope, cached as the big screen caches its own."""
    key = f"stats:rankings:{scope.prefix}:{scope.empty}:{kind}:{period.start}:{period.end}"
    found = cache.get(key)
    if found is None:
        rows = rank_units(kind=kind, period_start=period.start, period_end=period.end, scope=scope)
        top = [
            {
                "rank": r.rank,
                "key": r.key,
                "name": r.name,
                "score": r.score,
                "rate": _percent(r.metrics.on_time_closure_rate),
            }
            for r in rows[:RANKING_TOP]
        ]
        found = {"total": len(rows), "rows": top}
        cache.set(key, found, RANKING_SECONDS)
    return found


def _rankings(asked: Asked, scope: Scope) -> list[dict]:
    rankings = []
    for kind in RankingKind.values:
        ranking = _ranking(kind, scope, asked.period)
        if not ranking["total"]:
            continue
        for row in ranking["rows"]:
            subject = f"{SUBJECT_PREFIX[kind]}:{row['key']}"
            row["url"] = f"?{urlencode({**asked.params(), 'subject': subject})}"
        rankings.append({"kind": kind, "title": RANKING_TITLES[kind], **ranking})
    return rankings


def _subject_options(scope: Scope) -> list[dict]:
    """Regions down to villages and the departments inside the scope; grid workers are
    reached from their ranking (a county has over a thousand)."""
    regions = Region.objects.filter(
        scope.condition("code"),
        level__in=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE),
    ).order_by("code")
    departments = OrgUnit.objects.filter(
        scope.condition("region__code"), kind=UnitKind.DEPARTMENT
    ).order_by("name", "pk")
    return [
        {
            "label": _("区域"),
            "options": [(f"region:{r.code}", r.name) for r in regions.only("code", "name")],
        },
        {
            "label": _("职能部门"),
            "options": [(f"unit:{u.pk}", u.name) for u in departments.only("pk", "name")],
        },
    ]


def _report_links(request: HttpRequest, asked: Asked) -> list[dict]:
    """The monthly report of the period's first month, for the subject's region (or the
    caller's own region when the subject is a department or a grid worker)."""
    region = asked.resolved.key if asked.resolved.kind == "region" else None
    if region is None and request.user.unit is not None:
        region = request.user.unit.region.code
    if region is None:
        return []
    month = f"{asked.period.start:%Y-%m}"
    base = reverse("api:monthly_report")
    links = []
    for fmt in REPORT_FORMATS:
        query = urlencode({"month": month, "region": region, "format": fmt})
        links.append({"format": fmt, "url": f"{base}?{query}"})
    return links


def _trend(asked: Asked) -> dict:
    """Received and closed per day, for the chart (the same counts as the figures)."""
    days = daily_counts(asked.resolved.subject, asked.period)
    return {
        "days": [f"{d.day:%m-%d}" for d in days],
        "received": [d.received for d in days],
        "closed": [d.closed for d in days],
        "labels": [str(COUNT_LABELS["received"]), str(COUNT_LABELS["closed"])],
    }


def _form(request: HttpRequest, asked: Asked) -> dict:
    params: QueryDict = request.GET
    today = timezone.localdate()
    return {
        "kind": asked.kind,
        "month": params.get("month") or f"{asked.period.start:%Y-%m}",
        "quarter": params.get("quarter")
        or f"{asked.period.start.year}-Q{(asked.period.start.month - 1) // 3 + 1}",
        "start": asked.period.start,
        "end": asked.period.end,
        "subject": asked.subject_value,
        "years": range(today.year, today.year - 3, -1),
    }


@staff_page(*STATS_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    try:
        asked = parse(request.user, request.GET)
    except DomainError as error:
        return _refused(request, error)
    metrics = metrics_for_subject(asked.resolved.subject, asked.period)
    scope = scope_of(request.user)
    context = {
        "asked": asked,
        "subject": asked.resolved,
        "score": score(metrics, active_rule()),
        "rates": _rates(asked, metrics),
        "counts": [_figure(asked, metrics, name) for name in COUNT_LABELS],
        "rankings": _rankings(asked, scope),
        "subject_groups": _subject_options(scope),
        "reports": _report_links(request, asked),
        "trend": _trend(asked),
        "form": _form(request, asked),
    }
    return render(request, "web/stats/index.html", context)


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise DomainError("invalid_input", _("页码无效。"), {"field": "page", "value": raw})
    return int(raw)


@staff_page(*STATS_ROLES)
def events(request: HttpRequest) -> HttpResponse:
    """The events behind one figure, newest report first, PAGE_SIZE a page."""
    figure = request.GET.get("figure") or DEFAULT_FIGURE
    try:
        asked = parse(request.user, request.GET)
        number = _page(request)
        listed = events_behind(asked.resolved.subject, asked.period, figure)
    except DomainError as error:
        return _refused(request, error)
    total = listed.count()
    offset = (number - 1) * PAGE_SIZE
    rows = list(listed.select_related("category")[offset : offset + PAGE_SIZE])
    url_of = event_page(request.user)
    for row in rows:
        row.page_url = url_of(row.pk)
    params = {**asked.params(), "figure": figure}
    context = {
        "asked": asked,
        "subject": asked.resolved,
        "figure": COUNT_LABELS.get(figure, figure),
        "total": total,
        "rows": rows,
        "page": number,
        "previous": urlencode({**params, "page": number - 1}) if number > 1 else "",
        "next": urlencode({**params, "page": number + 1}) if offset + PAGE_SIZE < total else "",
        "back": f"{reverse('web:stats')}?{urlencode(asked.params())}",
    }
    return render(request, "web/stats/events.html", context)
