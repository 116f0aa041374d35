"""Where an event opens for a reader: the first event page their roles may see.

The candidates are tried in order against each page's own `staff_page` rule, so a link
follows the rules: a leader opens the leader's page, an operator the console, a handler the
department workspace, a grid worker the task list of the field app; a role that may open none
gets no link. The inbox and the statistics lists both link this way.
"""

from collections.abc import Callable

from django.urls import resolve, reverse

# (URL name, takes the event id, fragment) in order of preference.
EVENT_PAGES = (
    ("web:leader_event", True, ""),
    ("web:console_event", True, ""),
    ("web:department_event", True, ""),
    ("web:field", False, "#tasks"),
)


def _allowed(user, url: str) -> bool:
    rule = getattr(resolve(url).func, "permission_rule", ())
    return user.is_superuser or (isinstance(rule, tuple) and user.has_role(*rule))


def event_page(user) -> Callable[[int | None], str]:
    """The user's event link, chosen once for a list: event id -> URL ("" for none)."""
    for name, with_id, fragment in EVENT_PAGES:
        probe = reverse(name, kwargs={"event_id": 0}) if with_id else reverse(name)
        if not _allowed(user, probe):
            continue
        if with_id:
            return lambda pk: reverse(name, kwargs={"event_id": pk}) + fragment if pk else ""
        return lambda pk: probe + fragment if pk else ""
    return lambda pk: ""
