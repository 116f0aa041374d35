"""The event page shared by the console and the department workspace: detail and actions.

Both sections show the same detail (map, photos, clocks, parts, trail as a timeline) and
the forms of the actions open to the user now; they differ only in their URLs and rules.
An event outside the user's scope is a 404, as in the API.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.errors import DomainError
from wangge.events.clocks import light_at
from wangge.events.display import mask_name, mask_phone
from wangge.events.models import Attachment, Event, TrailEntry
from wangge.events.queries import attach_clock_summary, event_for, is_emergency
from wangge.events.workflow import ACTIONS
from wangge.web.actions import action_forms, submit

# Trail actions written outside the state table (supervision, leaders' instructions).
EXTRA_LABELS = {"supervise": "督办", "instruct": "领导批示"}


def load(request: HttpRequest, event_id: int) -> Event:
    event = event_for(request.user, event_id)
    if event is None:
        raise Http404(_("事件不存在或不在您的管辖范围内。"))
    return event


def _trail(event: Event) -> list[dict]:
    entries = TrailEntry.objects.filter(event=event).select_related("actor", "actor_unit")
    photos: dict[int, list[Attachment]] = {}
    for item in Attachment.objects.filter(event=event, trail_entry__isnull=False):
        photos.setdefault(item.trail_entry_id, []).append(item)
    timeline = []
    for entry in entries.order_by("sequence"):
        spec = ACTIONS.get(entry.action)
        actor = entry.actor
        timeline.append(
            {
                "entry": entry,
                "label": _(spec.label) if spec else _(EXTRA_LABELS.get(entry.action, entry.action)),
                "actor": (actor.display_name or actor.username) if actor else "",
                "photos": photos.get(entry.pk, []),
            }
        )
    return timeline


def _clocks(event: Event, now) -> list[dict]:
    rows = []
    for clock in event.clocks.select_related("unit").order_by("started_at", "id"):
        running = clock.stopped_at is None and clock.paused_at is None
        rows.append(
            {"clock": clock, "light": light_at(clock, now) if running else None, "running": running}
        )
    return rows


def contact(event: Event) -> tuple[str, str]:
    """The reporter's name and phone as staff pages show them: masked, none if anonymous."""
    if event.is_anonymous:
        return "", ""
    return mask_name(event.reporter_name), mask_phone(event.reporter_phone)


def context(request: HttpRequest, event: Event, section: str) -> dict:
    """`section` is "console" or "department": the URL names the page links and posts to."""
    now = timezone.now()
    attach_clock_summary([event], now)
    name, phone = contact(event)
    return {
        "event": event,
        "emergency": is_emergency(event),
        "reporter_name": name,
        "reporter_phone": phone,
        "photos": Attachment.objects.filter(event=event).order_by("id"),
        "clocks": _clocks(event, now),
        "parts": event.parts.select_related("department").order_by("role", "id"),
        "timeline": _trail(event),
        "forms": action_forms(event, request.user),
        "act_route": f"web:{section}_act",
        "tile_url": settings.WANGGE_TILE_URL,
        "tile_attribution": settings.WANGGE_TILE_ATTRIBUTION,
        "section": section,
    }


def act(request: HttpRequest, event_id: int, action: str, section: str, template: str):
    """POST one action; on success back to the detail page, on refusal the page with why.

    The refusal keeps the API's status (400 bad field, 403, 409 conflict) so that a
    script or test sees the same answer as through the API.
    """
    event = load(request, event_id)
    spec = ACTIONS.get(action)
    if spec is None or spec.intake:
        raise Http404(_("未知的操作。"))
    try:
        submit(request, event.pk, spec)
    except DomainError as error:
        event = load(request, event_id)
        page = context(request, event, section)
        page.update(error=error.message, error_action=action)
        return render(request, template, page, status=error.status)
    messages.success(request, _("已%(action)s。") % {"action": _(spec.label)})
    return redirect(reverse(f"web:{section}_event", args=[event.pk]))
