"""Who is told of an action in the inbox: one table, action name → recipients and message.

`perform` calls `after_action` once the action's transaction has committed, so a refused
or rolled-back action tells no one, and a failure here never undoes the action (the hook
is registered as a robust on-commit callback). The actor is never told of their own act.
docs/NOTICES.md is generated from NOTIFICATIONS (`wangge notices-table`).

Each recipients rule reads the event as the action left it, plus `Happened.before_centre`
(the responsible centre before the action), so it needs nothing from the action's code.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation

from wangge.accounts.models import GridAssignment, Role, User
from wangge.events.choices import PartRole, State
from wangge.events.models import Event
from wangge.notices.services import send
from wangge.regions.codes import significant_prefix


@dataclass(frozen=True)
class Happened:
    """One committed action, as the recipients rules see it."""

    event: Event
    action: str
    actor: User | None
    before_centre: int | None
    note: str = ""
    fields: dict = field(default_factory=dict)


Rule = Callable[[Happened], Iterable[User]]


def staff(unit_id: int | None, role: str) -> QuerySet[User]:
    """Active users of the unit holding its working role (operators of a centre, handlers
    of a department): the unit's admins and leaders are not its case workers."""
    if unit_id is None:
        return User.objects.none()
    return User.objects.filter(unit_id=unit_id, is_active=True, role_grants__role=role)


def unit_staff(unit_id: int | None) -> QuerySet[User]:
    """The case workers of a unit of either kind."""
    if unit_id is None:
        return User.objects.none()
    roles = (Role.OPERATOR, Role.DEPARTMENT_HANDLER)
    return User.objects.filter(unit_id=unit_id, is_active=True, role_grants__role__in=roles)


def centre_operators(h: Happened) -> QuerySet[User]:
    return staff(h.event.centre_id, Role.OPERATOR)


def target_centre_operators(h: Happened) -> QuerySet[User]:
    """The centre the action names (`target_centre`), else the responsible one after it."""
    return staff(h.fields.get("target_centre") or h.event.centre_id, Role.OPERATOR)


def previous_centre_operators(h: Happened) -> QuerySet[User]:
    if h.before_centre == h.event.centre_id:
        return User.objects.none()
    return staff(h.before_centre, Role.OPERATOR)


def _department_handlers(event: Event, roles: tuple[str, ...]) -> QuerySet[User]:
    units = event.parts.filter(role__in=roles).values("department_id")
    return User.objects.filter(
        unit_id__in=units, is_active=True, role_grants__role=Role.DEPARTMENT_HANDLER
    )


def working_departments(h: Happened) -> QuerySet[User]:
    """Handlers of the lead and assist departments (copied departments only read)."""
    return _department_handlers(h.event, (PartRole.LEAD, PartRole.ASSIST))


def lead_department(h: Happened) -> QuerySet[User]:
    return _department_handlers(h.event, (PartRole.LEAD,))


def grid_workers(h: Happened) -> QuerySet[User]:
    """Grid workers staffing the event's grid, and those of its village's unit."""
    assigned = GridAssignment.objects.filter(grid_id=h.event.grid_id).values("user_id")
    return User.objects.filter(
        Q(pk__in=assigned) | Q(unit__region_id=h.event.region_id),
        is_active=True,
        role_grants__role=Role.GRID_WORKER,
    )


def holder(h: Happened) -> QuerySet[User] | list[User]:
    """Whoever has the event in hand now: the lead department while it is dispatched or
    in handling, the grid workers while it waits for verification, else the centre."""
    state = h.event.state
    if state in (State.DISPATCHED, State.HANDLING):
        return lead_department(h)
    if state == State.VERIFYING:
        return grid_workers(h)
    if state in (State.REPORTED, State.ACCEPTED, State.SUBMITTED):
        return centre_operators(h)
    return []


def holder_if_reopened(h: Happened) -> QuerySet[User] | list[User]:
    """An evaluation tells someone only when it reopened the event."""
    return [] if h.event.state == State.CLOSED else holder(h)


def scope_leaders(h: Happened) -> list[User]:
    """Leaders whose data scope covers the event (there are few leaders: read them all)."""
    leaders = User.objects.filter(
        is_active=True, role_grants__role=Role.LEADER, unit__isnull=False
    ).select_related("unit__region")
    code = h.event.region_code
    return [
        u
        for u in leaders
        if code.startswith(significant_prefix(u.unit.region.code, u.unit.region.level))
    ]


@dataclass(frozen=True)
class Notification:
    recipients: Rule
    kind: str  # a key of wangge.notices.messages.MESSAGES
    who: str  # for docs/NOTICES.md


NOTIFICATIONS: dict[str, Notification] = {
    "dispatch": Notification(
        working_departments, "dispatched", "handlers of the lead and assist departments"
    ),
    "delegate": Notification(
        target_centre_operators, "delegated", "operators of the lower-level centre"
    ),
    "escalate": Notification(centre_operators, "escalated", "operators of the parent centre"),
    "take_over": Notification(
        previous_centre_operators, "taken_over", "operators of the centre that held it before"
    ),
    "direct": Notification(target_centre_operators, "directed", "operators of the directed centre"),
    "return": Notification(centre_operators, "returned", "operators of the responsible centre"),
    "check_fail": Notification(
        holder, "rework", "the holder after it: lead department handlers (or centre operators)"
    ),
    "reopen": Notification(holder, "reopened", "the holder after it (lead department or centre)"),
    "evaluate": Notification(
        holder_if_reopened, "reopened", "when it reopens the event: the holder after it"
    ),
    "request_verification": Notification(
        grid_workers, "verify_requested", "grid workers of the event's grid and village"
    ),
    "request_extension": Notification(
        centre_operators, "extension_requested", "operators of the responsible centre"
    ),
    "approve_extension": Notification(
        lead_department, "extension_approved", "handlers of the lead department"
    ),
    "deny_extension": Notification(
        lead_department, "extension_denied", "handlers of the lead department"
    ),
    "request_shelve": Notification(
        scope_leaders, "shelve_requested", "leaders whose scope covers the event"
    ),
    "urge": Notification(holder, "urged", "the holder (lead department or centre)"),
    "supervise": Notification(holder, "supervised", "the holder (lead department or centre)"),
}


def params(event: Event, actor: User | None, note: str = "") -> dict:
    """The sentence's parameters: plain values, so the row renders in any language."""
    name = (actor.display_name or actor.username) if actor else ""
    return {"code": event.tracking_code, "title": event.title, "actor": name, "note": note}


def tell(happened: Happened) -> None:
    """Notify the action's recipients (never the actor); actions not in the table tell no one."""
    rule = NOTIFICATIONS.get(happened.action)
    if rule is None:
        return
    actor_id = happened.actor.pk if happened.actor else None
    users = [u for u in rule.recipients(happened) if u.pk != actor_id]
    if users:
        p = params(happened.event, happened.actor, happened.note)
        send(users, rule.kind, p, event=happened.event)


def after_action(happened: Happened) -> None:
    """Schedule `tell` for after the commit; nothing runs for a rolled-back action."""
    if happened.action in NOTIFICATIONS:
        transaction.on_commit(lambda: _tell_atomically(happened), robust=True)


def _tell_atomically(happened: Happened) -> None:
    with transaction.atomic():
        tell(happened)


def markdown_table() -> str:
    """docs/NOTICES.md, in the project's language whatever the caller's."""
    from wangge.notices.messages import MESSAGES

    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            "# Notices: who is told of what",
            "",
            "Generated by `wangge notices-table` from `wangge/events/notifying.py`; do not edit.",
            "",
            "Inbox notices of workflow actions are written after the action commits; the actor",
            "is never told of their own act. Each notice links to its event: the console for",
            "operators and leaders, the department workspace for handlers, the field app for",
            "grid workers. Supervision writes its own (see below).",
            "",
            "| action | recipients | notice title |",
            "|---|---|---|",
        ]
        for action, rule in NOTIFICATIONS.items():
            title = MESSAGES[rule.kind].title
            lines.append(f"| `{action}` | {rule.who} | {title} |")
        lines += ["", *SUPERVISION_ROWS, ""]
    return "\n".join(lines)


SUPERVISION_ROWS = [
    "Outside the state table:",
    "",
    "| source | recipients | notice title |",
    "|---|---|---|",
    "| leader's instruction (`supervision/instructions.py`) | staff of the unit holding the"
    " event (operators of a centre, handlers of a department) | 领导批示：%(title)s |",
    "| sweep: warning light (`supervision/sweep.py`) | members of the clock's unit |"
    " 时限预警：%(title)s |",
    "| sweep: card (普通/黄牌/红牌) | members of the clock's unit and the leaders of it and the"
    " units above | %(level)s：%(title)s |",
]
