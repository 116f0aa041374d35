"""Which sections a user's roles open, for the navigation bar and the home redirect."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import STAFF_ROLES, Role


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str
    roles: tuple[str, ...]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# Order matters: a user's home is the first section their roles open.
SECTIONS = (
    Section("web:leader", _("领导工作台"), (Role.LEADER,)),
    Section("web:console", _("指挥台"), (Role.OPERATOR, Role.LEADER)),
    Section("web:department", _("部门工作台"), (Role.DEPARTMENT_HANDLER,)),
    Section("web:field", _("网格员"), (Role.GRID_WORKER,)),
    Section("web:screen", _("大屏"), (Role.LEADER, Role.OPERATOR)),
    Section("web:stats", _("统计"), (Role.OPERATOR, Role.LEADER, Role.SYSTEM_ADMIN)),
    Section("web:basedata", _("基础数据"), (Role.GRID_WORKER, Role.OPERATOR, Role.LEADER)),
)


def sections_for(user) -> list[Section]:
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(SECTIONS)
    return [s for s in SECTIONS if user.has_role(*s.roles)]


def has_inbox(user) -> bool:
    """Staff get the inbox bell (the roles are read once per request and cached)."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*STAFF_ROLES))


def nav(request) -> dict:
    """Template context processor."""
    return {"nav_sections": sections_for(request.user), "has_inbox": has_inbox(request.user)}
