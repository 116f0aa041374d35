"""Data scope: the one place that decides which regions a user may see.

A user sees the region subtree of their org unit. Every queryset that holds
jurisdiction-bound rows goes through `restrict`, naming the column that holds a
region or grid code; the subtree becomes a range over that indexed column.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from wangge.regions.codes import prefix_range, significant_prefix


@dataclass(frozen=True)
class Scope:
    """`prefix` None means the whole deployment; `empty` means nothing at all."""

    prefix: str | None
    empty: bool = False

    def covers(self, code: str) -> bool:
        if self.empty:
            return False
        return self.prefix is None or code.startswith(self.prefix)

    def condition(self, code_field: str) -> Q:
        if self.empty:
            return Q(pk__in=[])
        if self.prefix is None:
            return Q()
        low, high = prefix_range(self.prefix)
        return Q(**{f"{code_field}__gte": low, f"{code_field}__lte": high})


NOTHING = Scope(prefix=None, empty=True)
EVERYTHING = Scope(prefix=None)


def scope_of(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    unit = user.unit
    if unit is None:
        return NOTHING
    region = unit.region
    return Scope(prefix=significant_prefix(region.code, region.level))


def restrict(queryset: QuerySet, user, code_field: str = "code") -> QuerySet:
    return queryset.filter(scope_of(user).condition(code_field))
