"""Per-process copies of the reference rows that every report and action reads.

Categories, step limits and the centres covering a village change a few times a year but
were read on every intake and every action (a third of their statements). Each process
keeps them here, keyed by a random version token in the shared cache, the way
wangge/regions/locate.py keeps the grid index: a write to any of these tables (service,
admin or fixture) drops this process's copy at once and, on commit, gives the token a new
value so every other process rebuilds on its next read. Random tokens, not a counter, so
that a cache flush can never bring back a version a stale process still holds.
"""

from dataclasses import dataclass, field

from wangge.accounts.models import OrgUnit, UnitKind
from wangge.events.clocks import TimeLimit
from wangge.events.models import Category, StepLimit
from wangge.regions.models import Region
from wangge.snapshots import ProcessSnapshot

VERSION_KEY = "wangge:events-reference-version"
LimitKey = tuple[int, str, str]  # (category id, priority, step)


@dataclass
class Reference:
    """One snapshot; centres are filled per village code on first use."""

    categories: dict[int, Category]
    limits: dict[LimitKey, TimeLimit]
    centres: dict[str, list[OrgUnit]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Reference":
        limits = {
            (category_id, priority, step): TimeLimit(amount, unit)
            for category_id, priority, step, amount, unit in StepLimit.objects.values_list(
                "category_id", "priority", "step", "amount", "unit"
            )
        }
        return cls(categories=Category.objects.in_bulk(), limits=limits)

    def centres_covering(self, codes: list[str]) -> list[OrgUnit]:
        """The centres whose region has one of the codes (a village's covering regions)."""
        key = codes[0]
        found = self.centres.get(key)
        if found is None:
            query = OrgUnit.objects.filter(kind=UnitKind.CENTRE, region__code__in=codes)
            found = list(query.select_related("region"))
            self.centres[key] = found
        return found


_snapshot: ProcessSnapshot[Reference] = ProcessSnapshot(VERSION_KEY, Reference.load)


def reference() -> Reference:
    """This process's snapshot, rebuilt when the shared version moved."""
    return _snapshot.get()


def invalidate_reference(**_ignored) -> None:
    """Drop this process's copy now, and every process's once the transaction commits."""
    _snapshot.invalidate(here_now=True)


# The rows behind the snapshot: categories, limits, centres and their regions' codes.
WATCHED_MODELS = (Category, StepLimit, OrgUnit, Region)
