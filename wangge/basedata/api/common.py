"""Shared pieces of the base-data API: the category from the path, and the output shapes."""

from typing import Any

from ninja import Schema

from wangge.basedata.categories import Category, UnknownCategory, get_category
from wangge.errors import NotFound


def category_or_404(key: str) -> Category:
    try:
        return get_category(key)
    except UnknownCategory as exc:
        raise NotFound("unknown_category", f"没有名为 {key} 的基础数据类别。") from exc


class RecordOut(Schema):
    id: int
    category: str
    region_code: str
    values: dict[str, Any]
    person: dict[str, Any] | None = None


class RecordPage(Schema):
    count: int
    results: list[RecordOut]


class ValuesIn(Schema):
    values: dict[str, Any]
