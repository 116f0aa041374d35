"""The event page shared by the console, the department workspace and the leader's
workspace: detail, actions and leaders' instructions.

Every section shows the same detail (map, photos, clocks, parts, trail as a timeline),
the forms of the actions open to the user now and the instructions with their replies;
they differ only in their URLs and rules. The addressed unit's staff reply from the
console or the department workspace. An event outside the user's scope is a 404, as in
the API.
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
from wangge.events.display import masked_contact
from wangge.events.models import Attachment, CardLevel, Event, TrailEntry
from wangge.events.queries import attach_clock_summary, event_for, is_emergency, latest_command
from wangge.events.workflow import ACTIONS
from wangge.supervision.instructions import is_overdue, may_reply, reply_to_instruction
from wangge.supervision.models import Instruction
from wangge.web.actions import action_forms, submit

# Trail actions written outside the state table (leaders' instructions and their replies).
EXTRA_LABELS = {"instruct": "领导批示", "instruct_reply": "批示回复"}
# Sections with a reply route (`web:<section>_reply`): where the units that hold events work.
REPLY_SECTIONS = ("console", "department")


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
        actor = entry.actor
        timeline.append(
            {
                "entry": entry,
                "label": _label(entry),
                "actor": (actor.display_name or actor.username) if actor else "",
                "photos": photos.get(entry.pk, []),
            }
        )
    return timeline


def _label(entry: TrailEntry) -> str:
    """The action's name; a manual supervision says its level (the sweep's comment does)."""
    spec = ACTIONS.get(entry.action)
    label = _(spec.label) if spec else _(EXTRA_LABELS.get(entry.action, entry.action))
    manual = entry.action == "supervise" and entry.payload.get("manual")
    level = entry.payload.get("level") if manual else None
    if level in CardLevel.values:
        label = f"{label} · {CardLevel(level).label}"
    return label


def _command(event: Event) -> dict | None:
    """Who took the event over or directed it here, and why (shown in the page header)."""
    entry = latest_command(event)
    if entry is None:
        return None
    return {
        "action": entry.action,
        "unit": entry.actor_unit.name if entry.actor_unit else "",
        "actor": (entry.actor.display_name or entry.actor.username) if entry.actor else "",
        "comment": entry.comment,
        "at": entry.created_at,
    }


def _clocks(event: Event, now) -> list[dict]:
    rows = []
    for clock in event.clocks.select_related("unit").order_by("started_at", "id"):
        running = clock.stopped_at is None and clock.paused_at is None
        rows.append(
            {"clock": clock, "light": light_at(clock, now) if running else None, "running": running}
        )
    return rows


def _instructions(event: Event, user, section: str, now) -> list[dict]:
    rows = Instruction.objects.filter(event=event).select_related(
        "leader", "addressed_unit", "replied_by"
    )
    replies = section in REPLY_SECTIONS
    return [
        {
            "instruction": item,
            "overdue": is_overdue(item, now),
            "can_reply": replies and may_reply(user, item),
        }
        for item in rows
    ]


def context(request: HttpRequest, event: Event, section: str) -> dict:
    """`section` is "console", "department" or "leader": the URL names the page links and
    posts to."""
    now = timezone.now()
    attach_clock_summary([event], now)
    name, phone = masked_contact(event)
    return {
        "event": event,
        "emergency": is_emergency(event),
        "reporter_name": name,
        "reporter_phone": phone,
        "photos": Attachment.objects.filter(event=event).order_by("id"),
        "clocks": _clocks(event, now),
        "parts": event.parts.select_related("department").order_by("role", "id"),
        "timeline": _trail(event),
        "command": _command(event),
        "forms": action_forms(event, request.user),
        "instructions": _instructions(event, request.user, section, now),
        "act_route": f"web:{section}_act",
        "reply_route": f"web:{section}_reply",
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


def reply(request: HttpRequest, event_id: int, instruction_id: int, section: str, template: str):
    """POST the addressed unit's reply to an instruction on this event; a refusal shows
    the page with why and keeps the service's status, as `act` does."""
    event = load(request, event_id)
    if not Instruction.objects.filter(pk=instruction_id, event=event).exists():
        raise Http404(_("批示不存在。"))
    try:
        reply_to_instruction(
            request.user, instruction_id, request.POST.get("text", ""), timezone.now()
        )
    except DomainError as error:
        page = context(request, event, section)
        page["error"] = error.message
        return render(request, template, page, status=error.status)
    messages.success(request, _("已回复批示。"))
    return redirect(reverse(f"web:{section}_event", args=[event.pk]) + "#instructions")
