"""Search across people, houses and organizations, and the way from a grid to its records.

An ID number or phone is looked up through its keyed index only (never by decrypting);
anything else matches names by prefix and addresses by substring. Everything is scoped
and masked like any list.
"""

from typing import Any

from django.db.models import Q

from wangge.accounts.scope import restrict
from wangge.basedata import access, protection
from wangge.basedata import models as m
from wangge.basedata.categories import BUILTIN
from wangge.basedata.services import record_out
from wangge.basedata.validators import FieldInvalid, parse_id_number, parse_phone
from wangge.errors import DomainError, NotFound
from wangge.regions.models import Grid

SEARCH_LIMIT = 50


def search(user, q: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    q = q.strip()
    if len(q) < 2:
        raise DomainError("query_too_short", "请至少输入 2 个字符。")
    people, houses, orgs = _conditions(q)
    found: list[dict[str, Any]] = []
    for key, condition in (("person", people), ("house", houses), ("organization", orgs)):
        if condition is None:
            continue
        category = BUILTIN[key]
        qs = restrict(category.queryset(), user, "region_code").filter(condition)
        found.extend(record_out(category, obj) for obj in qs.order_by("id")[:limit])
    return found[:limit]


def _conditions(q: str) -> tuple[Q | None, Q | None, Q | None]:
    try:
        id_number = parse_id_number(q).value
    except FieldInvalid:
        id_number = None
    if id_number:
        digest = protection.blind_index(id_number, "id_number")
        return Q(id_number_index=digest), Q(owner_id_number_index=digest), None
    try:
        phone = parse_phone(q) if any(ch.isdigit() for ch in q[:1]) else None
    except FieldInvalid:
        phone = None
    if phone:
        digest = protection.blind_index(phone, "phone")
        return Q(phone_index=digest), Q(owner_phone_index=digest), Q(contact_phone_index=digest)
    return (
        Q(name__startswith=q) | Q(address__contains=q),
        Q(address__contains=q) | Q(code=q),
        Q(name__contains=q) | Q(address__contains=q) | Q(credit_code=q.upper()),
    )


def grid_summary(user, code: str) -> dict[str, Any]:
    """A grid and how many records of each category it holds (the way in from the map)."""
    grid = restrict(Grid.objects.select_related("village"), user, "code").filter(code=code).first()
    if grid is None:
        raise NotFound("grid_not_found", f"网格 {code} 不存在或不在您的管辖范围内。")
    counts = {}
    for key, category in BUILTIN.items():
        if category.sensitive and not access.holds(user, m.Permission.SPECIAL_POPULATION):
            continue
        counts[key] = category.model.objects.filter(grid=grid).count()
    return {
        "grid": {"code": grid.code, "name": grid.name, "village": grid.village.name},
        "counts": counts,
    }
