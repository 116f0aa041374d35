"""The 大屏 section: a 1920x1080 wall of the scope's figures, map and rankings.

The page renders the current snapshot server-side (numbers readable without
JavaScript), then follows /screen/live, a server-sent-events stream that pushes a
new snapshot whenever the scope's figures changed.
"""

import json
import time
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Role
from wangge.accounts.scope import scope_of
from wangge.web.pages import staff_page
from wangge.web.screen import snapshot as snapshots

# A stream ends after STREAM_SECONDS (EventSource reconnects after RETRY_MS), so a
# worker is never held for long; the change token is polled every POLL_SECONDS.
STREAM_SECONDS = 25.0
POLL_SECONDS = 2.0
RETRY_MS = 1000
LEADERS = (Role.LEADER, Role.OPERATOR)

# The figure tiles: label, path into the snapshot, and how to show the value.
TILES = (
    (_("今日上报"), "today.received", "count"),
    (_("今日办结"), "today.closed", "count"),
    (_("本月上报"), "month.received", "count"),
    (_("本月办结"), "month.closed", "count"),
    (_("本月按期办结率"), "month.on_time_closure_rate", "rate"),
    (_("本月满意率"), "month.satisfaction_rate", "rate"),
    (_("本月超期"), "month.overdue", "count"),
    (_("本月黄牌 / 红牌"), "month.cards", "cards"),
)


def _shown(value, kind: str) -> str:
    """The tile text; screen.js formats updates the same way."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.2f}%"
    if kind == "cards":
        return f"{value[0]} / {value[1]}"
    return f"{value:,}"


def _tiles(snapshot: dict) -> list[dict]:
    tiles = []
    for label, path, kind in TILES:
        period, name = path.split(".")
        figures = snapshot[period]
        value = (
            (figures["yellow_cards"], figures["red_cards"]) if kind == "cards" else figures[name]
        )
        tiles.append({"label": label, "path": path, "kind": kind, "text": _shown(value, kind)})
    return tiles


def _scope_name(request: HttpRequest) -> str:
    unit = request.user.unit
    if unit is not None and unit.region_id is not None:
        return unit.region.name
    return ""


@staff_page(*LEADERS)
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    snapshot = snapshots.snapshot_for(scope)[0]
    config = {
        "tileUrl": settings.WANGGE_TILE_URL,
        "attribution": settings.WANGGE_TILE_ATTRIBUTION,
        "extent": snapshots.map_extent(scope),
        "liveUrl": f"{reverse('web:screen_live')}?since={snapshot.get('digest', '')}",
        "timeZone": settings.TIME_ZONE,
    }
    context = {"snapshot": snapshot, "config": config, "scope_name": _scope_name(request)}
    if not snapshot["empty"]:
        context["tiles"] = _tiles(snapshot)
        context["rankings"] = [
            {"css": "townships", "title": _("乡镇（街道）考核排名"), "rows": snapshot["townships"]},
            {"css": "departments", "title": _("职能部门考核排名"), "rows": snapshot["departments"]},
        ]
    return render(request, "web/screen/index.html", context)


@staff_page(*LEADERS)
def snapshot(request: HttpRequest) -> JsonResponse:
    data = snapshots.snapshot_for(scope_of(request.user))[0]
    return JsonResponse(data)


def _event(data: dict) -> str:
    return f"id: {data['digest']}\nevent: snapshot\ndata: {json.dumps(data)}\n\n"


def _stream(scope, last_digest: str) -> Iterator[str]:
    """Poll the change token; send the scope's snapshot when its digest moved."""
    yield f"retry: {RETRY_MS}\n\n"
    ends = time.monotonic() + STREAM_SECONDS
    seen_token = None
    while True:
        token = snapshots.change_token()
        if token != seen_token:
            data, built_at = snapshots.snapshot_for(scope, token)
            if built_at == token:
                # A snapshot reused from an older token does not cover this change yet.
                seen_token = token
            if data.get("digest") != last_digest:
                last_digest = data["digest"]
                yield _event(data)
        if time.monotonic() + POLL_SECONDS > ends:
            return
        yield ": waiting\n\n"
        time.sleep(POLL_SECONDS)


@staff_page(*LEADERS)
def live(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events: `snapshot` events; the last digest sent is the event id."""
    last = request.headers.get("Last-Event-ID") or request.GET.get("since", "")
    response = StreamingHttpResponse(
        _stream(scope_of(request.user), last), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
