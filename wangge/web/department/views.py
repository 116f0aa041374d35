"""The 部门工作台 section: the unit's queue by deadline, the event with its actions.

Phone-friendly: the queue is a list of cards and the actions are plain forms (the result
form takes photos from the camera). Writes go through wangge.events.services.perform.
"""

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.events.queries import department_queue, latest_trail_id, visible_trail
from wangge.web import eventpage
from wangge.web.live import sse_response
from wangge.web.pages import staff_page

EVENT_TEMPLATE = "web/department/event.html"


@staff_page(Role.DEPARTMENT_HANDLER)
def index(request: HttpRequest) -> HttpResponse:
    events = department_queue(request.user, timezone.now())
    context = {
        "events": events,
        "to_sign": sum(1 for e in events if not e.signed_by_unit),
        "cursor": latest_trail_id(),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "web/department/_queue.html" if partial else "web/department/index.html"
    return render(request, template, context)


@staff_page(Role.DEPARTMENT_HANDLER)
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    found = eventpage.load(request, event_id)
    context = eventpage.context(request, found, "department")
    return render(request, EVENT_TEMPLATE, {**context, "cursor": latest_trail_id()})


@staff_page(Role.DEPARTMENT_HANDLER)
@require_POST
def act(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    return eventpage.act(request, event_id, action, "department", EVENT_TEMPLATE)


@staff_page(Role.DEPARTMENT_HANDLER)
@require_POST
def reply(request: HttpRequest, event_id: int, instruction_id: int) -> HttpResponse:
    return eventpage.reply(request, event_id, instruction_id, "department", EVENT_TEMPLATE)


@staff_page(Role.DEPARTMENT_HANDLER)
def live(request: HttpRequest) -> HttpResponse:
    """Server-sent events about the events in which the handler's unit has a part."""
    user = request.user
    mine = Q(event__parts__department_id=user.unit_id)
    return sse_response(request, lambda: visible_trail(user).filter(mine).distinct())
