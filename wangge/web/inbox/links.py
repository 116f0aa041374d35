"""Where a notice's event opens for its reader: the first event page their roles may see.

The candidates are tried in order against each page's own `staff_page` rule, so the link
follows the rules: an operator opens the console, a handler the department workspace, a
grid worker the task list of the field app; a role that may open none gets no link.
"""

from django.urls import resolve, reverse

# (URL name, takes the event id, fragment) in order of preference.
EVENT_PAGES = (
    ("web:console_event", True, ""),
    ("web:department_event", True, ""),
    ("web:field", False, "#tasks"),
)


def _allowed(user, url: str) -> bool:
    rule = getattr(resolve(url).func, "permission_rule", ())
    return user.is_superuser or (isinstance(rule, tuple) and user.has_role(*rule))


def event_url(user, event_id: int | None) -> str:
    """The URL of the event page for `user`, or "" when none of them is open to the user."""
    if event_id is None:
        return ""
    for name, with_id, fragment in EVENT_PAGES:
        url = reverse(name, kwargs={"event_id": event_id}) if with_id else reverse(name)
        if _allowed(user, url):
            return url + fragment
    return ""
