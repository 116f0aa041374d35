"""What a report form needs besides report_event: the categories offered and the title.

Shared by the public reporting page and the grid worker's app, so both offer the same
categories and make titles the same way.
"""

from dataclasses import dataclass

from wangge.events.models import Category

TITLE_LENGTH = 40


@dataclass(frozen=True)
class CategoryGroup:
    name: str
    categories: list[Category]


def reportable_categories() -> list[CategoryGroup]:
    """Active categories grouped under their active parent; a parent with active children
    is a heading, not a choice (the children say what the problem is)."""
    active = list(Category.objects.filter(active=True).order_by("code"))
    parents_with_children = {c.parent_id for c in active if c.parent_id}
    groups: dict[int | None, CategoryGroup] = {}
    names = {c.pk: c.name for c in active}
    for category in active:
        if category.pk in parents_with_children:
            continue
        parent = category.parent_id if category.parent_id in names else None
        group = groups.setdefault(parent, CategoryGroup(names.get(parent, ""), []))
        group.categories.append(category)
    return list(groups.values())


def title_from_text(text: str) -> str:
    """Citizens write one text; its first line, shortened, is the event's title."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"
