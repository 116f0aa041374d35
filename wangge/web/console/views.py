"""The 指挥台 section: queue, event detail and actions, supervision board, map, live channel.

Views are thin: queries come from wangge.events.queries and wangge.supervision.board,
writes go through wangge.events.services.perform (wangge/web/actions.py). Leaders read
these pages too; an event opens on the leader's event page, where their actions are.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.events.choices import Priority, State
from wangge.events.desk import SORTS, queue_slice
from wangge.events.models import CardLevel, Category
from wangge.events.queries import (
    LIVE_STATES,
    SUPERVISED,
    WORK_KINDS,
    latest_trail_id,
    live_counts,
    my_work_counts,
    my_work_page,
    visible_trail,
)
from wangge.supervision.board import board
from wangge.web import eventpage
from wangge.web.console.desk import batch_forms
from wangge.web.console.filters import (
    ALL_TAB,
    LIVE_TAB,
    MINE_TAB,
    BadFilter,
    page_number,
    parse,
    work_kind,
)
from wangge.web.console.paging import page_links, queue_params, remember, sort_of
from wangge.web.live import sse_response
from wangge.web.pages import staff_page

PAGE_SIZE = 30
# Leaders read the queue, board and map of their scope; only operators act here.
READERS = (Role.OPERATOR, Role.LEADER)
EVENT_TEMPLATE = "web/console/event.html"


def _tabs(counts: dict[str, int], work: dict[str, int]) -> list[dict]:
    tabs = [{"value": MINE_TAB, "label": _("我的待办"), "count": work["total"]}]
    live = sum(counts[s] for s in LIVE_STATES)
    tabs += [{"value": LIVE_TAB, "label": _("在办"), "count": live}]
    tabs += [{"value": s.value, "label": s.label, "count": counts[s.value]} for s in LIVE_STATES]
    tabs += [
        {"value": State.CLOSED.value, "label": State.CLOSED.label, "count": None},
        {"value": ALL_TAB, "label": _("全部"), "count": None},
    ]
    return tabs


def _kinds(work: dict[str, int]) -> list[dict]:
    """The chips of my work: all of it, each kind, and 督办中 across the kinds."""
    chips = [{"value": "", "label": _("全部待办"), "count": work["total"]}]
    chips += [{"value": k.value, "label": k.label, "count": work[k.value]} for k in WORK_KINDS]
    chips += [{"value": SUPERVISED, "label": _("督办中"), "count": work[SUPERVISED]}]
    return chips


def _queue(request: HttpRequest) -> dict:
    """My work (the default tab) or the whole scope, in the chosen order, with the counts
    of both and the total for the pager."""
    params = queue_params(request)
    tab, filters = parse(params)
    kind = work_kind(params) if tab == MINE_TAB else ""
    sort = sort_of(params)
    number = page_number(params)
    now = timezone.now()
    offset = (number - 1) * PAGE_SIZE
    if tab == MINE_TAB:
        rows, total = my_work_page(request.user, kind, filters, now, offset, PAGE_SIZE)
    else:
        rows, total = queue_slice(request.user, filters, sort, now, offset, PAGE_SIZE)
    remember(request, params)
    counts = live_counts(request.user, now)
    work = my_work_counts(request.user)
    return {
        "tab": tab,
        "filters": filters,
        "sort": sort,
        "sorts": SORTS,
        "query": params.urlencode(),
        "events": rows,
        "pager": page_links(params, number, total, PAGE_SIZE),
        "page": number,
        "counts": counts,
        "tabs": _tabs(counts, work),
        "work": kind,
        "kinds": _kinds(work) if tab == MINE_TAB else [],
        "batch_forms": batch_forms(),
    }


def _bad_filter(error: BadFilter) -> HttpResponse:
    return HttpResponseBadRequest(_("筛选条件无效：%(field)s") % {"field": error})


@staff_page(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    try:
        queue = _queue(request)
    except BadFilter as error:
        return _bad_filter(error)
    return render(
        request,
        "web/console/index.html",
        {
            **queue,
            "cursor": latest_trail_id(),
            "categories": Category.objects.filter(active=True).order_by("code"),
            "priorities": Priority.choices,
            "card_levels": CardLevel.choices[1:],
        },
    )


@staff_page(*READERS)
def queue(request: HttpRequest) -> HttpResponse:
    """The queue table and the tab counts (out of band), for htmx and the live channel."""
    try:
        context = _queue(request)
    except BadFilter as error:
        return _bad_filter(error)
    return render(request, "web/console/_queue.html", {**context, "oob": True})


@staff_page(*READERS)
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    """A leader who is not also an operator has the leader's event page, with their actions."""
    user = request.user
    if user.has_role(Role.LEADER) and not (user.is_superuser or user.has_role(Role.OPERATOR)):
        return redirect("web:leader_event", event_id=event_id)
    found = eventpage.load(request, event_id)
    context = eventpage.context(request, found, "console")
    return render(request, EVENT_TEMPLATE, {**context, "cursor": latest_trail_id()})


@staff_page(Role.OPERATOR)
@require_POST
def act(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    return eventpage.act(request, event_id, action, "console", EVENT_TEMPLATE)


@staff_page(Role.OPERATOR)
@require_POST
def reply(request: HttpRequest, event_id: int, instruction_id: int) -> HttpResponse:
    return eventpage.reply(request, event_id, instruction_id, "console", EVENT_TEMPLATE)


def _board_context(request: HttpRequest) -> dict:
    return {"columns": board(request.user, timezone.now()), "now": timezone.now()}


@staff_page(*READERS)
def board_page(request: HttpRequest) -> HttpResponse:
    context = {**_board_context(request), "cursor": latest_trail_id()}
    return render(request, "web/console/board.html", context)


@staff_page(*READERS)
def board_columns(request: HttpRequest) -> HttpResponse:
    return render(request, "web/console/_board.html", _board_context(request))


@staff_page(*READERS)
def map_page(request: HttpRequest) -> HttpResponse:
    context = {
        "cursor": latest_trail_id(),
        "tile_url": settings.WANGGE_TILE_URL,
        "tile_attribution": settings.WANGGE_TILE_ATTRIBUTION,
        "states": [(s.value, s.label) for s in LIVE_STATES] + [("closed", State.CLOSED.label)],
    }
    return render(request, "web/console/map.html", context)


@staff_page(*READERS)
def live(request: HttpRequest) -> HttpResponse:
    """Server-sent events: every report and action on events in the operator's scope."""
    user = request.user
    return sse_response(request, lambda: visible_trail(user))
