"""Who hears about a unit's deadlines: its members, and the leaders above it."""

from django.db.models import Q

from wangge.accounts.models import OrgUnit, Role, User


def unit_and_ancestors(unit_id: int) -> list[int]:
    chain: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = OrgUnit.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return chain


def unit_members(unit_id: int) -> list[User]:
    return list(User.objects.filter(unit_id=unit_id, is_active=True))


def members_and_leaders(unit_id: int) -> list[User]:
    """The unit's members plus users with the leader role in the unit or any parent unit."""
    leaders = Q(unit_id__in=unit_and_ancestors(unit_id), role_grants__role=Role.LEADER)
    return list(
        User.objects.filter(Q(unit_id=unit_id) | leaders, is_active=True).distinct().order_by("pk")
    )
