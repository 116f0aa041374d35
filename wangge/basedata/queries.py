"""Read-only queries the base-data pages need beyond `services` and `search`.

Plain functions with explicit inputs, scoped through `services.visible` (which also checks
the special-population permission) or `accounts.scope.restrict`, so the web pages hold no
rule of their own. Everything they return is shown masked by `services.record_out`.
"""

from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from wangge.accounts.scope import restrict
from wangge.basedata import access, protection, services
from wangge.basedata import models as m
from wangge.basedata.categories import BUILTIN, Category, all_categories
from wangge.common.bbox import BBox
from wangge.errors import DomainError
from wangge.regions.models import Grid

# The field a category's free-text filter looks in (the first one the category has).
TEXT_FIELDS = ("name", "title", "school_name", "address")
MAX_FEATURES = 2000  # per layer on the map; more means "zoom in"
MAP_LAYERS = ("house", "person", "key_place")


def readable_categories(user) -> list[Category]:
    """The categories whose pages the user may open (sensitive ones need their permission)."""
    special = access.holds(user, m.Permission.SPECIAL_POPULATION)
    return [c for c in all_categories() if special or not c.sensitive]


def filter_records(
    category: Category,
    user,
    grid: str | None = None,
    house: str | None = None,
    q: str | None = None,
) -> QuerySet:
    """A category's records in the user's scope, by grid code, house code (people) and text."""
    qs = services.visible(category, user)
    if grid:
        qs = qs.filter(grid__code=grid)
    if house:
        if category.model is not m.Person:
            raise DomainError("invalid_filter", "只有实有人口可按房屋筛选。")
        qs = qs.filter(house__code=house)
    if q and category.custom is None:
        field = next((name for name in TEXT_FIELDS if name in category.specs), None)
        if field:
            qs = qs.filter(**{f"{field}__contains": q})
    return qs.order_by("id")


def grids_in_scope(user) -> QuerySet:
    return restrict(Grid.objects.all(), user, "code").order_by("code")


def people_of_person(user, person: m.Person) -> dict[str, list[Any]]:
    """The special-population and key-youth records of one person, when the user may see them."""
    if not access.holds(user, m.Permission.SPECIAL_POPULATION):
        return {}
    return {
        key: list(services.visible(BUILTIN[key], user).filter(person=person).order_by("id"))
        for key in ("special_population", "key_youth")
    }


def residents(house: m.House) -> QuerySet:
    """A house's residents (the house itself was fetched in scope)."""
    return house.residents.order_by("id")


def recent_imports(user, limit: int = 10) -> list[m.ImportJob]:
    """The user's own import jobs, newest first (only the uploader sees a job)."""
    return list(m.ImportJob.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def own_import(user, job_id: int) -> m.ImportJob | None:
    return m.ImportJob.objects.filter(pk=job_id, user=user).first()


def _label(key: str, row: dict[str, Any]) -> str:
    if key == "person":
        return protection.mask_name(row["name"])
    if key == "house":
        return f"{row['code']} {row['address']}"
    return row["name"]


def map_features(user, box: BBox, layers: list[str]) -> dict[str, Any]:
    """Houses, people (at their own point or their house's) and key places in a box, as
    GeoJSON points labelled with masked names; at most MAX_FEATURES per layer."""
    features: list[dict[str, Any]] = []
    truncated: list[str] = []
    for key in layers:
        if key not in MAP_LAYERS:
            raise DomainError("invalid_layer", f"图层应为 {'、'.join(MAP_LAYERS)} 之一。")
        category = BUILTIN[key]
        qs = services.visible(category, user)
        columns = {"house": ("code", "address"), "person": ("name",), "key_place": ("name",)}[key]
        if key == "person":
            qs = qs.annotate(x=Coalesce("lon", "house__lon"), y=Coalesce("lat", "house__lat"))
        else:
            qs = qs.annotate(x=F("lon"), y=F("lat"))
        qs = qs.filter(
            x__gte=box.min_lon, x__lte=box.max_lon, y__gte=box.min_lat, y__lte=box.max_lat
        )
        rows = list(
            qs.order_by("id").values("id", "x", "y", "grid__code", *columns)[: MAX_FEATURES + 1]
        )
        if len(rows) > MAX_FEATURES:
            truncated.append(key)
            rows = rows[:MAX_FEATURES]
        features.extend(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(r["x"], 6), round(r["y"], 6)]},
                "properties": {
                    "category": key,
                    "id": r["id"],
                    "label": _label(key, r),
                    "grid": r["grid__code"],
                },
            }
            for r in rows
        )
    return {"type": "FeatureCollection", "features": features, "truncated": truncated}
