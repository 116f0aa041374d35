"""The 领导工作台 section: a leader's home and the leader's event page.

The home lists what waits for the leader in their scope (decisions the state table gives
to leaders, yellow and red cards, instructions awaiting a reply) and the scope's headline
rates this month. The event page is the shared detail (wangge/web/eventpage.py) with the
leader's actions from the table and the 批示 form. Writes go through
wangge.events.services.perform and wangge.supervision.instructions.
"""

from datetime import date, datetime, time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.assessment.metrics import UnitMetrics, compute_metrics
from wangge.errors import DomainError
from wangge.events.queries import latest_trail_id
from wangge.supervision.instructions import issue_instruction
from wangge.supervision.leaders import carded_clocks, instructions_awaiting, pending_approvals
from wangge.web import eventpage
from wangge.web.pages import staff_page

EVENT_TEMPLATE = "web/leader/event.html"
# A reply is due at the end of the chosen day, local time.
END_OF_DAY = time(23, 59, 59)


# The headline rates of the home page: label and UnitMetrics attribute.
RATES = (
    (_lazy("本月办结率"), "closure_rate"),
    (_lazy("本月按期办结率"), "on_time_closure_rate"),
    (_lazy("本月满意率"), "satisfaction_rate"),
)


def _rates(metrics: UnitMetrics | None) -> list[dict]:
    """Each rate as a percentage with two decimals, or a dash when nothing was due."""
    rates = []
    for label, name in RATES:
        value = getattr(metrics, name) if metrics else None
        rates.append({"label": label, "shown": "—" if value is None else f"{value * 100:.2f}%"})
    return rates


def _month_metrics(user, today: date) -> UnitMetrics | None:
    """This month's figures of the leader's region; none for a user without a unit
    (their scope is empty: the whole deployment's figures are not theirs to see)."""
    if user.unit is not None:
        region_code = user.unit.region.code
    elif user.is_superuser:
        region_code = None
    else:
        return None
    return compute_metrics(
        period_start=today.replace(day=1), period_end=today, region_code=region_code
    )


@staff_page(Role.LEADER)
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "approvals": pending_approvals(request.user),
        "cards": carded_clocks(request.user),
        "instructions": instructions_awaiting(request.user, now),
        "rates": _rates(_month_metrics(request.user, timezone.localdate(now))),
    }
    return render(request, "web/leader/index.html", context)


@staff_page(Role.LEADER)
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    found = eventpage.load(request, event_id)
    context = eventpage.context(request, found, "leader")
    return render(request, EVENT_TEMPLATE, {**context, "cursor": latest_trail_id()})


@staff_page(Role.LEADER)
@require_POST
def act(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    return eventpage.act(request, event_id, action, "leader", EVENT_TEMPLATE)


def _reply_due(raw: str) -> datetime:
    """The form's date as the end of that day in local time."""
    raw = raw.strip()
    if not raw:
        raise DomainError("missing_field", _("请填写回复期限。"), {"field": "reply_due"})
    try:
        day = date.fromisoformat(raw)
    except ValueError as error:
        raise DomainError(
            "invalid_field", _("回复期限不是有效的日期。"), {"field": "reply_due"}
        ) from error
    return timezone.make_aware(datetime.combine(day, END_OF_DAY))


@staff_page(Role.LEADER)
@require_POST
def instruct(request: HttpRequest, event_id: int) -> HttpResponse:
    """Issue a 批示 from the event page; a refusal shows the page with why and its status."""
    found = eventpage.load(request, event_id)
    try:
        due = _reply_due(request.POST.get("reply_due", ""))
        issue_instruction(request.user, found, request.POST.get("text", ""), timezone.now(), due)
    except DomainError as error:
        page = eventpage.context(request, found, "leader")
        page.update(
            error=error.message, error_action="instruct", instruct_text=request.POST.get("text", "")
        )
        return render(request, EVENT_TEMPLATE, page, status=error.status)
    messages.success(request, _("已作出批示。"))
    return redirect(reverse("web:leader_event", args=[found.pk]) + "#instructions")
