"""Field-app pages for the records made offline: visits, inspections, diary, points.

Each page renders a form whose submission the phone puts into the IndexedDB outbox
(static/web/field/field.js) and sends to /api/field/... with its key when there is signal,
so the pages only list what the forms offer: the houses, special-population records and key
places of the worker's assigned grids (read through the fieldwork and basedata services).
A household's QR poster opens the points page for that household (`?house=`), which the
service worker serves from its cache without signal.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from wangge.accounts.models import Role
from wangge.basedata import access
from wangge.basedata.categories import BUILTIN
from wangge.basedata.models import Permission
from wangge.basedata.protection import mask_name
from wangge.basedata.services import get_record, visible
from wangge.errors import DomainError
from wangge.fieldwork import diary, points
from wangge.fieldwork.inspections import places_in
from wangge.fieldwork.todo import visit_records
from wangge.web.field.views import field_context
from wangge.web.pages import staff_page
from wangge.web.public.qr import qr_data_uri

HOUSE_LIMIT = 2000


def _houses(request: HttpRequest, grids) -> list:
    houses = visible(BUILTIN["house"], request.user).filter(grid__in=grids)
    return list(houses.order_by("code")[:HOUSE_LIMIT])


def _specials(request: HttpRequest) -> list[dict]:
    """Masked names only; without the permission the worker sees none (as in basedata)."""
    if not access.holds(request.user, Permission.SPECIAL_POPULATION):
        return []
    records = visit_records(request.user).select_related("person").order_by("next_visit_due")
    return [
        {
            "id": s.pk,
            "name": mask_name(s.person.name),
            "kind": s.get_kind_display(),
            "due": s.next_visit_due,
        }
        for s in records[:HOUSE_LIMIT]
    ]


@staff_page(Role.GRID_WORKER)
def visit(request: HttpRequest) -> HttpResponse:
    context = field_context(request, "visit")
    context["houses"] = _houses(request, context["grids"])
    context["specials"] = _specials(request)
    context["may_visit_special"] = access.holds(request.user, Permission.SPECIAL_POPULATION)
    return render(request, "web/field/visit.html", context)


@staff_page(Role.GRID_WORKER)
def inspect(request: HttpRequest) -> HttpResponse:
    context = field_context(request, "inspect")
    context["places"] = list(places_in(request.user, context["grids"]))
    return render(request, "web/field/inspect.html", context)


@staff_page(Role.GRID_WORKER)
def diary_page(request: HttpRequest) -> HttpResponse:
    context = field_context(request, "diary")
    context["entries"] = list(diary.own_entries(request.user))
    return render(request, "web/field/diary.html", context)


@staff_page(Role.GRID_WORKER)
def points_page(request: HttpRequest) -> HttpResponse:
    """`?house=<id>` (the household QR code) preselects the household and shows its ledger."""
    context = field_context(request, "points")
    context["houses"] = _houses(request, context["grids"])
    house_id = request.GET.get("house", "")
    if house_id.isdigit():
        try:
            context["ledger"] = points.ledger(request.user, int(house_id))
        except DomainError as exc:
            context["ledger_error"] = exc.message
    return render(request, "web/field/points.html", context)


@staff_page(Role.GRID_WORKER, Role.OPERATOR)
def points_qr(request: HttpRequest, house_id: int) -> HttpResponse:
    """A printable poster for one household in the visitor's scope (404 outside it)."""
    try:
        house = get_record(BUILTIN["house"], request.user, house_id)
    except DomainError as exc:
        return render(request, "web/field/points_qr.html", {"error": exc.message}, status=404)
    url = request.build_absolute_uri(reverse("web:field_points") + f"?house={house.pk}")
    context = {"house": house, "url": url, "qr": qr_data_uri(url)}
    return render(request, "web/field/points_qr.html", context)
