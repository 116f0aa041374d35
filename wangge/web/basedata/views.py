"""The 基础数据 section: lists, details with logged reveal, forms, search, grids, import, map.

Views are thin: records come from wangge.basedata.services / queries / search, writes go
through services.create_record / update_record / delete_record, reveals through
services.reveal (which checks the permission and writes the log). Values reach the
templates only through services.record_out / display_value, so they are masked.
A record out of scope is a 404 and a missing personal-data permission a 403, as in the API.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.basedata import access, importing, protection, queries, search, services
from wangge.basedata import models as m
from wangge.basedata.categories import BUILTIN, Category, UnknownCategory, get_category
from wangge.basedata.fields import MASKED, Kind
from wangge.errors import DomainError, Forbidden, NotFound
from wangge.web.basedata import forms
from wangge.web.pages import staff_page

READ = access.READ_ROLES
WRITE = access.WRITE_ROLES
PAGE_SIZE = 30
MAX_PAGE = 100_000
LIST_COLUMNS = 6
GRID_ROWS = 100
RUNNING = (m.ImportStatus.QUEUED, m.ImportStatus.RUNNING)


def service_errors(view: Callable) -> Callable:
    """The services' refusals as pages: out of scope 404, missing permission 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except UnknownCategory as exc:
            raise Http404(_("没有这个基础数据类别。")) from exc
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapped


def _category(key: str) -> Category:
    return get_category(key)


def _shown(spec, value: Any) -> str:
    """A display value as text: choice labels, 是/否, blanks."""
    if value is None or value == "":
        return ""
    if spec.kind == Kind.CHOICE:
        return dict(spec.choices).get(str(value), str(value))
    if spec.kind == Kind.BOOL:
        return _("是") if value else _("否")
    if spec.kind == Kind.TEXT:
        # Free text may hold a number someone typed in: masked like the logs.
        return protection.mask_text(str(value))
    return str(value)


def _columns(category: Category) -> list:
    specs = [s for s in category.fields if s.name not in ("lon", "lat")]
    columns = [s for s in specs if s.kind != Kind.GRID][:LIST_COLUMNS]
    return columns + [s for s in specs if s.kind == Kind.GRID]


def _row(category: Category, obj, columns: list) -> dict:
    out = services.record_out(category, obj)
    return {
        "id": obj.pk,
        "cells": [_shown(spec, out["values"].get(spec.name)) for spec in columns],
        "grid": obj.grid.code,
    }


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isascii() and raw.isdigit() and int(raw) > 0 else 1


def _can(user, *roles: str) -> bool:
    return user.is_superuser or user.has_role(*roles)


def _section(request: HttpRequest, category: Category | None = None) -> dict:
    user = request.user
    return {
        "category": category,
        "can_write": _can(user, *WRITE),
        "can_import": _can(user, *access.IMPORT_ROLES),
        "can_export": _can(user, *access.EXPORT_ROLES),
        "can_delete": _can(user, Role.OPERATOR),
        "can_reveal": access.holds(user, m.Permission.REVEAL),
    }


@staff_page(*READ)
def index(request: HttpRequest) -> HttpResponse:
    cards = [
        {"category": c, "count": services.visible(c, request.user).count()}
        for c in queries.readable_categories(request.user)
    ]
    return render(request, "web/basedata/index.html", {**_section(request), "cards": cards})


@staff_page(*READ)
@service_errors
def records(request: HttpRequest, category: str) -> HttpResponse:
    cat = _category(category)
    grid = request.GET.get("grid", "").strip()[:20]
    house = request.GET.get("house", "").strip()[:32] if cat.key == "person" else ""
    text = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    qs = queries.filter_records(cat, request.user, grid or None, house or None, text or None)
    number = _page_number(request)
    total = qs.count()
    columns = _columns(cat)
    objects = qs[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    params = request.GET.copy()
    pages = {}
    for name, target in (("previous", number - 1), ("next", number + 1)):
        if 0 < target and (target - 1) * PAGE_SIZE < total:
            params["page"] = target
            pages[name] = params.urlencode()
    context = {
        **_section(request, cat),
        "columns": columns,
        "rows": [_row(cat, obj, columns) for obj in objects],
        "total": total,
        "page": number,
        "pages": pages,
        "filters": {"grid": grid, "house": house, "q": text},
        "text_filter": cat.custom is None and any(n in cat.specs for n in queries.TEXT_FIELDS),
    }
    return render(request, "web/basedata/list.html", context)


def _detail_context(request: HttpRequest, cat: Category, obj) -> dict:
    out = services.record_out(cat, obj)
    fields = []
    for spec in cat.fields:
        value = _shown(spec, out["values"].get(spec.name))
        link = ""
        if spec.kind == Kind.GRID:
            link = reverse("web:basedata_grid", args=[obj.grid.code])
        elif spec.kind == Kind.HOUSE and obj.house_id:
            link = reverse("web:basedata_record", args=["house", obj.house_id])
        elif spec.kind == Kind.PERSON:
            link = reverse("web:basedata_record", args=["person", obj.person_id])
        fields.append({"spec": spec, "value": value, "link": link})
    derived = [
        (obj._meta.get_field(attr).verbose_name, out["values"][attr])
        for attr in services.DERIVED.get(cat.model, ())
        if attr not in cat.specs
    ]
    related = _related(request, cat, obj)
    revealable = [
        spec for spec in cat.fields if spec.kind in MASKED and out["values"].get(spec.name)
    ]
    return {
        **_section(request, cat),
        "record": obj,
        "fields": fields,
        "derived": derived,
        "revealable": revealable,
        **related,
    }


def _related(request: HttpRequest, cat: Category, obj) -> dict:
    if cat.model is m.House:
        people = [
            {"id": p.pk, "name": protection.mask_name(p.name), "kind": m.PersonKind(p.kind).label}
            for p in queries.residents(obj)
        ]
        return {"residents": people}
    if cat.model is m.Person:
        linked = queries.people_of_person(request.user, obj)
        return {
            "linked": [
                {
                    "category": BUILTIN[key],
                    "records": [services.record_out(BUILTIN[key], r) for r in rows],
                }
                for key, rows in linked.items()
                if rows
            ]
        }
    if cat.model is m.Dispute:
        return {
            "parties": [
                {"role": p.get_role_display(), "name": protection.mask_name(p.name)}
                for p in obj.parties.order_by("id")
            ],
            "mediations": [
                {
                    "on": r.mediated_on,
                    "result": r.get_result_display(),
                    "content": protection.mask_text(r.content),
                }
                for r in obj.mediations.all()
            ],
        }
    if cat.model is m.KeyPlace:
        return {
            "inspections": [
                {
                    "on": i.inspected_on,
                    "hazards_found": i.hazards_found,
                    "rectified": i.rectified,
                    "findings": protection.mask_text(i.findings),
                }
                for i in obj.inspections.all()
            ]
        }
    return {}


@staff_page(*READ)
@service_errors
def record(request: HttpRequest, category: str, record_id: int) -> HttpResponse:
    cat = _category(category)
    obj = services.get_record(cat, request.user, record_id)
    return render(request, "web/basedata/detail.html", _detail_context(request, cat, obj))


@staff_page(*READ)
@require_POST
@service_errors
def reveal(request: HttpRequest, category: str, record_id: int) -> HttpResponse:
    """One clear value, shown once in this response (never cached) and logged by the service."""
    cat = _category(category)
    field = request.POST.get("field", "")
    reason = request.POST.get("reason", "")
    context: dict[str, Any] = {}
    status = 200
    try:
        value = services.reveal(cat, request.user, record_id, field, reason)
        context["revealed"] = {"label": cat.specs[field].label, "value": value}
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        context["reveal_error"] = error.message
        context["reveal_reason"] = reason[:200]
        status = 400
    obj = services.get_record(cat, request.user, record_id)
    response = render(
        request, "web/basedata/detail.html", {**_detail_context(request, cat, obj), **context}
    )
    response.status_code = status
    response["Cache-Control"] = "no-store"
    return response


def _grid_options(request: HttpRequest) -> list[tuple[str, str]]:
    return [(g.code, f"{g.name}（{g.code}）") for g in queries.grids_in_scope(request.user)]


def _form_page(request, cat, fields, general, obj=None, status=200) -> HttpResponse:
    context = {**_section(request, cat), "fields": fields, "general": general, "record": obj}
    response = render(request, "web/basedata/form.html", context)
    response.status_code = status
    return response


@staff_page(*WRITE)
@service_errors
def create(request: HttpRequest, category: str) -> HttpResponse:
    cat = _category(category)
    access.require_category(request.user, cat)
    grids = _grid_options(request)
    if request.method != "POST":
        initial = {"grid_code": request.GET.get("grid", "")[:20]}
        return _form_page(request, cat, forms.build(cat, grids, initial), [])
    data = forms.posted(cat, request.POST)
    values = {k: v for k, v in data.items() if v}
    try:
        obj = services.create_record(cat, request.user, values)
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        by_field, general = forms.field_errors(cat, error)
        return _form_page(
            request, cat, forms.build(cat, grids, data, None, by_field), general, status=400
        )
    return redirect("web:basedata_record", cat.key, obj.pk)


@staff_page(*WRITE)
@service_errors
def edit(request: HttpRequest, category: str, record_id: int) -> HttpResponse:
    cat = _category(category)
    obj = services.get_record(cat, request.user, record_id)
    grids = _grid_options(request)
    initial, masked = forms.initial_values(cat, obj)
    if request.method != "POST":
        return _form_page(request, cat, forms.build(cat, grids, initial, masked), [], obj)
    data = forms.posted(cat, request.POST)
    try:
        services.update_record(cat, request.user, obj.pk, forms.changes(cat, data, initial))
    except (NotFound, Forbidden):
        raise
    except DomainError as error:
        by_field, general = forms.field_errors(cat, error)
        fields = forms.build(cat, grids, data, masked, by_field)
        return _form_page(request, cat, fields, general, obj, status=400)
    return redirect("web:basedata_record", cat.key, obj.pk)


@staff_page(Role.OPERATOR)
@require_POST
@service_errors
def delete(request: HttpRequest, category: str, record_id: int) -> HttpResponse:
    cat = _category(category)
    services.delete_record(cat, request.user, record_id)
    return redirect("web:basedata_records", cat.key)


@staff_page(*READ)
def search_page(request: HttpRequest) -> HttpResponse:
    """The form posts, so an ID number or phone searched for stays out of URLs, history and
    access logs; such a query is not echoed back in clear either, only masked."""
    params = request.POST if request.method == "POST" else request.GET
    text = params.get("q", "").replace("\x00", "").strip()[:50]
    shown = protection.mask_text(text)
    results, error = [], ""
    if text:
        try:
            found = search.search(request.user, text)
        except DomainError as exc:
            found, error = [], exc.message
        for item in found:
            values = item["values"]
            cat = BUILTIN[item["category"]]
            results.append(
                {
                    "category": cat,
                    "id": item["id"],
                    "title": values.get("name") or values.get("code") or "",
                    "address": values.get("address") or "",
                    "grid": values.get("grid_code") or "",
                }
            )
    context = {
        **_section(request),
        "q": text if shown == text else "",
        "searched": shown,
        "results": results,
        "error": error,
    }
    return render(request, "web/basedata/search.html", context)


@staff_page(*READ)
@service_errors
def grid(request: HttpRequest, code: str) -> HttpResponse:
    """From a grid to its houses and people (each links back here)."""
    summary = search.grid_summary(request.user, code)
    house_cat, person_cat = BUILTIN["house"], BUILTIN["person"]
    house_cols, person_cols = _columns(house_cat)[:4], _columns(person_cat)[:4]
    houses = queries.filter_records(house_cat, request.user, grid=code)
    people = queries.filter_records(person_cat, request.user, grid=code)
    counts = [{"category": BUILTIN[key], "count": n} for key, n in summary["counts"].items()]
    context = {
        **_section(request),
        "grid": summary["grid"],
        "counts": counts,
        "house_columns": house_cols,
        "houses": [_row(house_cat, h, house_cols) for h in houses[:GRID_ROWS]],
        "person_columns": person_cols,
        "people": [_row(person_cat, p, person_cols) for p in people[:GRID_ROWS]],
    }
    return render(request, "web/basedata/grid.html", context)


@staff_page(*access.IMPORT_ROLES)
@service_errors
def import_page(request: HttpRequest) -> HttpResponse:
    choices = queries.readable_categories(request.user)
    key = request.GET.get("category", "person")
    cat = next((c for c in choices if c.key == key), choices[0])
    context = {
        **_section(request, cat),
        "choices": choices,
        "jobs": [_job(job) for job in queries.recent_imports(request.user)],
    }
    return render(request, "web/basedata/import.html", context)


def _job(job: m.ImportJob) -> dict:
    live = importing.progress(job)
    try:
        label = get_category(job.category).label
    except UnknownCategory:
        label = job.category
    return {
        "job": job,
        "category_label": label,
        "rows_read": live["rows_read"],
        "error_count": live["error_count"],
        "running": job.status in RUNNING,
        "status_label": m.ImportStatus(job.status).label,
    }


@staff_page(*access.IMPORT_ROLES)
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """An import's progress; htmx polls the fragment until the job is finished."""
    job = queries.own_import(request.user, job_id)
    if job is None:
        raise Http404(_("导入任务不存在。"))
    context = {**_section(request), "item": _job(job)}
    if request.headers.get("HX-Request"):
        return render(request, "web/basedata/_job.html", context)
    return render(request, "web/basedata/job.html", context)


@staff_page(*READ)
def map_page(request: HttpRequest) -> HttpResponse:
    context = {
        **_section(request),
        "tile_url": settings.WANGGE_TILE_URL,
        "tile_attribution": settings.WANGGE_TILE_ATTRIBUTION,
        "layers": [(key, BUILTIN[key].label) for key in queries.MAP_LAYERS],
    }
    return render(request, "web/basedata/map.html", context)
