"""The 网格员 app: an installable PWA that keeps working without signal.

Pages are server-rendered and cached by the service worker (sw.js, scope /field/), so the
app starts offline. What the worker records offline (reports with photos, patrol tracks)
goes into an outbox in IndexedDB (static/web/field/field.js) and is sent to the API with
the key generated on the phone when the signal returns; the server's idempotency makes a
resend harmless. Task actions need the server and are taken online only. The pages of
visits, inspections, the diary and points are in records.py.
"""

import hashlib
import json
from functools import cache

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.accounts.models import Role
from wangge.errors import DomainError
from wangge.events.models import Event
from wangge.events.reporting import reportable_categories
from wangge.events.workflow import ActionSpec
from wangge.fieldwork.checks import assigned_grids
from wangge.fieldwork.geo import grid_collection
from wangge.fieldwork.todo import WORKER_ACTIONS, my_tasks, my_visit_tasks
from wangge.web.actions import ActionForm, action_form, submit
from wangge.web.pages import public_page, staff_page
from wangge.web.tiles import map_settings

# The app shell the service worker caches at install: pages and the files they load.
SHELL_PAGES = (
    "web:field",
    "web:field_report",
    "web:field_patrol",
    "web:field_visit",
    "web:field_inspect",
    "web:field_diary",
    "web:field_points",
)
SHELL_STATIC = (
    "web/app.css",
    "web/app.js",
    "web/field/field.css",
    "web/field/field.js",
    "web/field/icon.svg",
    "vendor/htmx.org/dist/htmx.min.js",
    "vendor/leaflet/dist/leaflet.css",
    "vendor/leaflet/dist/leaflet.js",
    "vendor/leaflet/dist/images/marker-icon.png",
    "vendor/leaflet/dist/images/marker-shadow.png",
)
WORKER_SPECS = {spec.name: spec for spec in WORKER_ACTIONS}


def field_context(request: HttpRequest, tab: str) -> dict:
    grids = list(assigned_grids(request.user))
    return {
        "tab": tab,
        "grids": grids,
        "grid_geojson": grid_collection(grids),
        "map": map_settings(),
    }


@staff_page(Role.GRID_WORKER)
def index(request: HttpRequest) -> HttpResponse:
    """My grid on the map and my tasks: events to verify or check, visits due."""
    context = field_context(request, "tasks")
    tasks = my_tasks(request.user)
    context["tasks"] = [(task, _task_forms(task.event, task.actions)) for task in tasks]
    context["visit_tasks"] = my_visit_tasks(request.user)
    return render(request, "web/field/index.html", context)


def _task_forms(event: Event, actions: tuple[ActionSpec, ...]) -> list[ActionForm]:
    """A task's action forms, built from the state table like the console's."""
    forms = (action_form(spec, event, {}) for spec in actions)
    return [form for form in forms if form is not None]


@staff_page(Role.GRID_WORKER)
def report(request: HttpRequest) -> HttpResponse:
    context = field_context(request, "report")
    context["categories"] = reportable_categories()
    return render(request, "web/field/report.html", context)


@staff_page(Role.GRID_WORKER)
def patrol(request: HttpRequest) -> HttpResponse:
    return render(request, "web/field/patrol.html", field_context(request, "patrol"))


@require_POST
@staff_page(Role.GRID_WORKER)
def act(request: HttpRequest, event_id: int, action: str) -> HttpResponse:
    """Take a task's action (核实, 核查) with its photos through perform(), which checks role,
    scope, state and holder; a refusal is shown to the worker, never a server error."""
    spec = WORKER_SPECS.get(action)
    if spec is None:
        raise Http404
    try:
        submit(request, event_id, spec)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交。"))
    return redirect("web:field")


@cache
def _shell_version() -> str:
    """Changes whenever a cached file changes, so phones drop the old shell."""
    digest = hashlib.sha256()
    for path in SHELL_STATIC:
        found = finders.find(path)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@public_page
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served under /field/ so its scope covers the app; holds no user data."""
    shell = {
        "version": _shell_version(),
        "scope": reverse("web:field"),
        "pages": [reverse(name) for name in SHELL_PAGES],
        "files": [static(path) for path in SHELL_STATIC],
    }
    # Server-built URLs only, as JSON: nothing from the request reaches the script.
    context = {"shell": json.dumps(shell)}
    response = render(request, "web/field/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("web:field")
    return response


@public_page
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest; browsers fetch it without cookies, so it is public."""
    start = reverse("web:field")
    data = {
        "name": _("网格员 · 网格化治理平台"),
        "short_name": _("网格员"),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": "#f5f7fa",
        "theme_color": "#b42318",
        "lang": "zh-CN",
        "icons": [{"src": static("web/field/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
