"""Public pages: report a problem, track it by code, rate it. No login.

Each page calls the same services as the public API (report_event, perform with the
tracking code) and is counted by the same limiter (wangge/common/ratelimit.py) in the
same buckets, so the form is no way around the API's abuse limits.
"""

import hashlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wangge.accounts.models import Role
from wangge.accounts.scope import restrict
from wangge.common.ratelimit import check_rate
from wangge.errors import DomainError
from wangge.events.choices import Channel
from wangge.events.models import Event
from wangge.events.reporting import reportable_categories, title_from_text
from wangge.events.services import perform, report_event
from wangge.events.tracking import find_by_code, public_actions, public_timeline
from wangge.fieldwork.geo import grid_feature
from wangge.regions.models import Grid
from wangge.web.pages import public_page, staff_page
from wangge.web.public.forms import PublicReportForm, RatingForm
from wangge.web.public.qr import qr_data_uri
from wangge.web.tiles import map_settings


def _located_grid(code: str | None) -> dict | None:
    """The grid a QR code names, with the point inside it where the form opens."""
    grid = Grid.objects.filter(code=code).first() if code else None
    return grid_feature(grid) if grid else None


def _report_page(request, form, grid, error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "categories": reportable_categories(),
        "grid": grid,
        "error": error,
        "map": map_settings(),
    }
    return render(request, "web/public/report.html", context, status=status)


def _idempotency_key(form_key) -> str:
    """Namespaced like the public API's keys, so no other channel's key can collide."""
    return hashlib.sha256(f"public-web\x00{form_key}".encode()).hexdigest()


def _submit(request, data: dict, grid) -> Event:
    """The report with its photos; a resent form (same key) answers the first report."""
    intake = report_event(
        channel=Channel.QR_CODE if grid else Channel.PUBLIC_APP,
        category=data["category"],
        title=title_from_text(data["text"]),
        description=data["text"],
        lon=data["lon"],
        lat=data["lat"],
        address=data["address"],
        reporter=request.user,
        reporter_name=data["reporter_name"],
        reporter_phone=data["reporter_phone"],
        is_anonymous=data["is_anonymous"],
        idempotency_key=_idempotency_key(data["key"]),
        photos=request.FILES.getlist("photos"),
    )
    return intake.event


@public_page
def report(request: HttpRequest) -> HttpResponse:
    grid = _located_grid(request.GET.get("grid") or request.POST.get("grid"))
    if request.method != "POST":
        initial = {"key": PublicReportForm.new_key()}
        if grid:
            lon, lat = grid["properties"]["centre"]
            initial.update(lon=lon, lat=lat, grid=grid["properties"]["code"])
        return _report_page(request, PublicReportForm(initial=initial), grid)
    form = PublicReportForm(request.POST)
    if not form.is_valid():
        return _report_page(request, form, grid, _("请检查标出的项目。"), status=400)
    try:
        check_rate(request, "public_intake")
        event = _submit(request, form.cleaned_data, grid)
    except DomainError as exc:
        return _report_page(request, form, grid, exc.message, status=exc.status)
    return render(request, "web/public/submitted.html", {"event": event}, status=201)


@public_page
def track_lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("web:public_track", code=code.upper()[:24])
    return render(request, "web/public/track_lookup.html")


def _track_page(request, event, rating_form=None, error="", status=200) -> HttpResponse:
    context = {
        "event": event,
        "timeline": public_timeline(event),
        "actions": public_actions(event),
        "rating_form": rating_form or RatingForm(),
        "error": error,
    }
    return render(request, "web/public/track.html", context, status=status)


@public_page
def track(request: HttpRequest, code: str) -> HttpResponse:
    try:
        check_rate(request, "public_track")
    except DomainError as exc:
        return render(request, "web/public/track_lookup.html", {"error": exc.message}, status=429)
    event = find_by_code(code)
    if event is None:
        context = {"error": _("查询码不存在，请核对后重试。"), "code": code}
        return render(request, "web/public/track_lookup.html", context, status=404)
    if request.method != "POST":
        return _track_page(request, event)
    action = request.POST.get("action")
    form = RatingForm(request.POST) if action == "evaluate" else None
    if action not in public_actions(event) or (form is not None and not form.is_valid()):
        return _track_page(request, event, form, _("请检查标出的项目。"), status=400)
    fields = {k: v for k, v in (form.cleaned_data if form else {}).items() if v}
    try:
        perform(event.pk, action, None, tracking_code=event.tracking_code, **fields)
    except DomainError as exc:
        return _track_page(request, event, form, exc.message, status=exc.status)
    return redirect(reverse("web:public_track", kwargs={"code": event.tracking_code}))


@staff_page(Role.OPERATOR, Role.GRID_WORKER)
def qr(request: HttpRequest, grid_code: str) -> HttpResponse:
    """A printable poster for one grid in the visitor's scope: its QR code opens the public
    form already located in the grid."""
    grid = get_object_or_404(
        restrict(Grid.objects.select_related("village"), request.user, "code"), code=grid_code
    )
    url = request.build_absolute_uri(reverse("web:public_report") + f"?grid={grid.code}")
    context = {"grid": grid, "url": url, "qr": qr_data_uri(url)}
    return render(request, "web/public/qr.html", context)
