"""The operator's desk tools beside the queue: batch actions, hotline intake, print forms,
and the lookups their forms autocomplete from.

Every write goes through wangge.events.services (report_event, perform), one event per
transaction, so a batch row that fails leaves that event untouched and the others done.
"""

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.models import OrgUnit, Role, UnitKind
from wangge.errors import DomainError
from wangge.events.choices import Channel, Priority
from wangge.events.desk import live_lookup, places, point_in_scope, possible_duplicates
from wangge.events.display import masked_contact
from wangge.events.models import Event
from wangge.events.queries import attach_clock_summary, visible_events
from wangge.events.reporting import reportable_categories
from wangge.events.services import perform, report_event
from wangge.events.workflow import ACTIONS, ActionSpec, FieldKind
from wangge.web import eventpage
from wangge.web.actions import ActionForm, Input, fields_from_post
from wangge.web.pages import staff_page

# Actions offered on selected rows, in this order, when the state table has them: `urge`
# comes with the command-across-levels work and appears by itself once it is a row.
BATCH_ACTIONS = ("accept", "dispatch", "urge")
MAX_BATCH = 100
PRINT_FORMS = {
    "dispatch": "派遣单",
    "supervise": "督办通知书",
    "close": "结案单",
}
HOTLINE_TEXTS = {
    "title": 200,
    "description": 4000,
    "address": 200,
    "caller_name": 50,
    "caller_phone": 32,
}


# ---------------------------------------------------------------- batch


def batch_specs() -> list[ActionSpec]:
    return [ACTIONS[name] for name in BATCH_ACTIONS if name in ACTIONS]


def _batch_input(spec_field, required: bool, departments: list[tuple[str, str]]) -> Input:
    choices = departments if spec_field.kind in (FieldKind.UNIT, FieldKind.UNITS) else []
    return Input(spec_field.name, str(spec_field.kind), _(spec_field.label), required, choices)


def batch_forms() -> list[ActionForm]:
    """One form per batch action, from the table's fields; each row's `perform` checks the
    department's jurisdiction over that row's event."""
    units = OrgUnit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("name")
    departments = [(str(u.pk), u.name) for u in units]
    forms = []
    for spec in batch_specs():
        inputs = [_batch_input(f, True, departments) for f in spec.required_fields]
        inputs += [_batch_input(f, False, departments) for f in spec.optional_fields]
        forms.append(ActionForm(spec.name, _(spec.label), inputs, False, spec.danger))
    return forms


def _selected_ids(request: HttpRequest) -> list[int]:
    raw = request.POST.getlist("ids")
    if not raw or len(raw) > MAX_BATCH:
        raise DomainError("invalid_field", _("请选择 1 至 100 个事件。"), {"field": "ids"})
    if not all(r.isascii() and r.isdigit() and 0 < len(r) <= 18 for r in raw):
        raise DomainError("invalid_field", _("事件编号无效。"), {"field": "ids"})
    return list(dict.fromkeys(int(r) for r in raw))


def _run_row(event: Event | None, event_id: int, spec: ActionSpec, user, fields: dict) -> dict:
    """One row's own transaction (perform): done, or refused with why."""
    if event is None:
        return {"id": event_id, "ok": False, "message": _("事件不存在或不在您的管辖范围内。")}
    row = {"id": event_id, "code": event.tracking_code, "title": event.title}
    try:
        perform(event_id, spec.name, user, **fields)
    except DomainError as error:
        return {**row, "ok": False, "message": error.message, "code_name": error.code}
    return {**row, "ok": True, "message": _("已%(action)s") % {"action": _(spec.label)}}


@staff_page(Role.OPERATOR)
def batch(request: HttpRequest) -> HttpResponse:
    """Apply one action to the selected rows, each in its own transaction; one result each.

    A GET (a reload of the result page) writes nothing and points back to the queue."""
    if request.method != "POST":
        return render(request, "web/console/batch_result.html", {"results": []})
    spec = ACTIONS.get(request.POST.get("action", ""))
    if spec is None or spec not in batch_specs():
        return HttpResponseBadRequest(_("不支持批量执行该操作。"))
    try:
        ids = _selected_ids(request)
        fields = fields_from_post(spec, request.POST)
    except DomainError as error:
        return HttpResponseBadRequest(error.message)
    events = visible_events(request.user).in_bulk(ids)
    results = [_run_row(events.get(i), i, spec, request.user, fields) for i in ids]
    done = sum(1 for r in results if r["ok"])
    context = {"spec": spec, "results": results, "done": done, "failed": len(results) - done}
    return render(request, "web/console/batch_result.html", context)


# ---------------------------------------------------------------- lookups


@staff_page(Role.OPERATOR)
def event_lookup(request: HttpRequest) -> HttpResponse:
    """<option>s of live events in scope by tracking code or title (the merge target)."""
    text = (request.GET.get("target_event") or request.GET.get("q") or "")[:40]
    events = live_lookup(request.user, text)
    return render(request, "web/console/_event_options.html", {"events": events})


@staff_page(Role.OPERATOR)
def place_lookup(request: HttpRequest) -> JsonResponse:
    """Villages and grids in scope by name, with a point to pin (hotline form)."""
    return JsonResponse({"places": places(request.user, request.GET.get("q", "")[:40])})


# ---------------------------------------------------------------- print forms


@staff_page(Role.OPERATOR)
def print_form(request: HttpRequest, event_id: int, form: str) -> HttpResponse:
    """A paper form of the event for signatures and the file, laid out by print CSS (A4)."""
    if form not in PRINT_FORMS:
        return HttpResponseBadRequest(_("未知的单据。"))
    event = eventpage.load(request, event_id)
    now = timezone.now()
    attach_clock_summary([event], now)
    entries = list(event.trail.select_related("actor").order_by("sequence"))
    last = {entry.action: entry for entry in entries}
    name, phone = masked_contact(event)
    closing = last.get("check_pass") or last.get("answer")
    context = {
        "event": event,
        "form": form,
        "form_title": _(PRINT_FORMS[form]),
        "parts": event.parts.select_related("department").order_by("role", "id"),
        "clocks": event.clocks.select_related("unit").order_by("started_at", "id"),
        "last": last,
        "check_comment": closing.comment if closing else "",
        "entries": entries,
        "reporter_name": name,
        "reporter_phone": phone,
        "now": now,
    }
    return render(request, f"web/console/print/{form}.html", context)


# ---------------------------------------------------------------- hotline intake


class BadCall(ValueError):
    """A hotline form value that cannot be used; the form is shown again with a 400."""


def _point(post) -> tuple[float, float]:
    try:
        lon, lat = float(post.get("lon", "")), float(post.get("lat", ""))
    except ValueError as exc:
        raise BadCall(_("请在地图上点选位置，或搜索村、网格。")) from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadCall(_("经纬度超出范围。"))
    return lon, lat


def _call(post) -> dict:
    """The hotline form's values checked for type and length (report_event checks the rest)."""
    texts = {name: post.get(name, "").strip() for name in HOTLINE_TEXTS}
    for name, limit in HOTLINE_TEXTS.items():
        if len(texts[name]) > limit or "\x00" in texts[name]:
            raise BadCall(_("内容过长：%(field)s") % {"field": name})
    category = post.get("category", "")
    if not (category.isascii() and category.isdigit() and len(category) < 10):
        raise BadCall(_("请选择事件分类。"))
    priority = post.get("priority", Priority.NORMAL)
    if priority not in Priority.values:
        raise BadCall(_("紧急程度取值无效。"))
    key = post.get("key", "")
    if not key or len(key) > 40 or not key.replace("-", "").isalnum():
        raise BadCall(_("表单已失效，请刷新后重试。"))
    lon, lat = _point(post)
    point = {"lon": lon, "lat": lat}
    return {**texts, **point, "category": int(category), "priority": priority, "key": key}


def _hotline_context(values: dict, **extra) -> dict:
    return {
        "values": values,
        "groups": reportable_categories(),
        "priorities": Priority.choices,
        "tile_url": settings.WANGGE_TILE_URL,
        **extra,
    }


def _save_call(request: HttpRequest, call: dict):
    return report_event(
        channel=Channel.HOTLINE,
        category=call["category"],
        title=call["title"],
        description=call["description"],
        priority=call["priority"],
        lon=call["lon"],
        lat=call["lat"],
        address=call["address"],
        reporter=request.user,
        reporter_name=call["caller_name"],
        reporter_phone=call["caller_phone"],
        idempotency_key=f"hotline:{call['key']}",
    )


@staff_page(Role.OPERATOR)
def hotline(request: HttpRequest) -> HttpResponse:
    """Record a phone call as an event (channel hotline). The first submit shows possible
    duplicates (same category, within 500 m, last 3 days, in scope) and saves only when
    there are none or the operator confirms; the form's key makes a resend one event."""
    template = "web/console/hotline.html"
    if request.method != "POST":
        values = {"key": uuid.uuid4().hex, "priority": Priority.NORMAL}
        return render(request, template, _hotline_context(values))
    values = request.POST.dict()
    try:
        call = _call(request.POST)
    except BadCall as error:
        return render(request, template, _hotline_context(values, error=str(error)), status=400)
    if not point_in_scope(request.user, call["lon"], call["lat"]):
        context = _hotline_context(values, error=_("该位置不在您的管辖范围内。"))
        return render(request, template, context, status=403)
    seen = Event.objects.filter(idempotency_key=f"hotline:{call['key']}").exists()
    if not seen and request.POST.get("confirm") != "1":
        found = possible_duplicates(
            request.user, call["category"], call["lon"], call["lat"], timezone.now()
        )
        if found:
            context = _hotline_context(values, duplicates=found)
            return render(request, template, context)
    try:
        intake = _save_call(request, call)
    except DomainError as error:
        context = _hotline_context(values, error=error.message)
        return render(request, template, context, status=error.status)
    return redirect(reverse("web:console_event", args=[intake.event.pk]))
