"""Exports and templates: scoped, masked, streamed, and each export logged."""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from wangge.basedata import models as m
from wangge.basedata.categories import Category
from wangge.basedata.services import display_value, visible

EXPORT_CHUNK = 2000


def filtered(category: Category, user, grid: str | None = None) -> QuerySet:
    qs = visible(category, user)
    if grid:
        qs = qs.filter(grid__code=grid)
    return qs.order_by("id")


def header(category: Category) -> list[str]:
    return [spec.label for spec in category.fields]


def export_rows(category: Category, qs: QuerySet) -> Iterator[list[Any]]:
    yield header(category)
    for obj in qs.iterator(chunk_size=EXPORT_CHUNK):
        yield [display_value(category, obj, spec) for spec in category.fields]


def log_export(category: Category, user, fmt: str, filters: dict, rows: int, reason: str) -> None:
    m.ExportLog.objects.create(
        user=user,
        category=category.key,
        format=fmt,
        filters=filters,
        rows=rows,
        reason=reason[:200],
    )
