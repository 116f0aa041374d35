"""The demo's default category tree, its default departments and step limits.

The kinds are the ones named in the seed articles (SPEC §3). Limits follow SPEC §4's
examples (acceptance 30 minutes, handling 3 working days) and tighten with priority.
Loading is idempotent: categories are matched by code and their limits rewritten.
"""

from dataclasses import dataclass

from django.db import transaction

from wangge.accounts.models import OrgUnit, UnitKind
from wangge.demo.catalogue import COUNTY
from wangge.events.choices import LimitUnit, Priority, Step
from wangge.events.models import Category, StepLimit

MIN = LimitUnit.MINUTES
HOURS = LimitUnit.WORKING_HOURS
DAYS = LimitUnit.WORKING_DAYS

LIMITS: dict[str, dict[str, tuple[int, str]]] = {
    Priority.NORMAL: {
        Step.ACCEPT: (30, MIN),
        Step.VERIFY: (1, DAYS),
        Step.DISPATCH: (2, HOURS),
        Step.SIGN: (1, DAYS),
        Step.HANDLE: (3, DAYS),
        Step.CHECK: (1, DAYS),
    },
    Priority.URGENT: {
        Step.ACCEPT: (15, MIN),
        Step.VERIFY: (4, HOURS),
        Step.DISPATCH: (1, HOURS),
        Step.SIGN: (2, HOURS),
        Step.HANDLE: (1, DAYS),
        Step.CHECK: (4, HOURS),
    },
    Priority.EMERGENCY: {
        Step.ACCEPT: (10, MIN),
        Step.VERIFY: (1, HOURS),
        Step.DISPATCH: (30, MIN),
        Step.SIGN: (30, MIN),
        Step.HANDLE: (4, HOURS),
        Step.CHECK: (2, HOURS),
    },
}


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    department: str | None = None  # a name from catalogue.DEPARTMENTS
    needs_verification: bool = False
    direct_answer: bool = False
    parent: str | None = None


# Parents come before their children.
TREE = [
    Kind("livelihood", "民生诉求", "民政局"),
    Kind("livelihood.water", "供水排水", "水利局", parent="livelihood"),
    Kind("livelihood.road", "道路交通", "交通局", parent="livelihood"),
    Kind("livelihood.school", "教育就学", "教育局", parent="livelihood"),
    Kind("livelihood.market", "市场秩序", "市场监督管理局", parent="livelihood"),
    Kind("dispute", "矛盾纠纷", "公安局", needs_verification=True),
    Kind("hazard", "安全隐患", "应急管理局", needs_verification=True),
    Kind("policy", "政策咨询", direct_answer=True),
    Kind("service", "服务办事", "民政局"),
    Kind("urban", "城市管理", "城管局"),
    Kind("urban.street", "占道经营", "行政执法局", parent="urban"),
    Kind("urban.garbage", "垃圾堆放", "城管局", parent="urban"),
    Kind("urban.lamp", "路灯损坏", "住建局", parent="urban"),
    Kind("security", "治安", "公安局"),
    Kind("fire", "消防", "应急管理局", needs_verification=True),
    Kind("ecology", "生态环境", "生态环境分局", needs_verification=True),
    Kind("forest_fire", "森林防火", "林业局"),
    # Information from the grid: the centre records and answers it, nothing to dispatch.
    Kind("news", "新闻上报", direct_answer=True),
]


@transaction.atomic
def load_categories() -> list[Category]:
    """Create or update the tree; departments are the demo county's, matched by name."""
    departments = {
        u.name: u for u in OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT, region__code=COUNTY[0])
    }
    saved: dict[str, Category] = {}
    for kind in TREE:
        saved[kind.code], _ = Category.objects.update_or_create(
            code=kind.code,
            defaults={
                "name": kind.name,
                "parent": saved.get(kind.parent) if kind.parent else None,
                "default_department": departments.get(kind.department or ""),
                "needs_verification": kind.needs_verification,
                "direct_answer": kind.direct_answer,
                "active": True,
            },
        )
    StepLimit.objects.filter(category__in=saved.values()).delete()
    StepLimit.objects.bulk_create(
        StepLimit(category=category, priority=priority, step=step, amount=amount, unit=unit)
        for category in saved.values()
        for priority, steps in LIMITS.items()
        for step, (amount, unit) in steps.items()
    )
    return list(saved.values())
