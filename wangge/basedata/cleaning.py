"""Cleaning rows into attributes to store, in chunks, with every error kept.

`RowCleaner` serves one user and one category for the length of an API call or a whole
import: it loads the grids of the user's scope once, prefetches the houses and people a
chunk refers to in one query each, and checks unique values against both the rows seen so
far and the database. Every error is reported as (row, column label, reason).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from wangge.accounts.scope import Scope, restrict, scope_of
from wangge.basedata import models as m
from wangge.basedata import protection
from wangge.basedata.categories import Category
from wangge.basedata.fields import (
    MASKED,
    PARSERS,
    PROTECTED,
    FieldSpec,
    Kind,
    index_of,
    is_blank,
    normalise_protected,
)
from wangge.basedata.seen import DigestSet, ValueSet
from wangge.basedata.validators import FieldInvalid
from wangge.regions.locate import LocationError, locate
from wangge.regions.models import Grid


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class CleanRow:
    row: int
    attrs: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)


OUT_OF_SCOPE = "不存在或不在您的管辖范围内。"
ALREADY_STORED = "已登记（不可重复）。"


class PointNeeded(Exception):
    """A detached cleaner met a row placed only by its point: the parent must clean it."""


# Cleans one given value of one field into `attrs` (or `place`), or raises FieldInvalid.
Step = Callable[[Any, dict[str, Any], dict[str, Any]], None]


class RowCleaner:
    def __init__(
        self,
        category: Category,
        user,
        *,
        partial: bool = False,
        grids: dict[str, tuple[int, str]] | None = None,
        ring: protection.Keyring | None = None,
    ):
        """With `user=None` the cleaner is detached (an import worker process): it never
        touches the database, so the caller gives it the grids of the user's scope, the
        keyring and, per chunk, the prefetched `houses` and `people`."""
        self.category = category
        self.user = user
        self.scope: Scope | None = scope_of(user) if user is not None else None
        self.partial = partial  # an update: only the given fields, nothing required
        self.ring = ring or protection.keyring()
        self._grids: dict[str, tuple[int, str]] | None = grids
        self._grid_codes = {pk: code for code, (pk, _) in (grids or {}).items()}
        self.houses: dict[str, tuple[int, int, str]] = {}
        self.people: dict[str, tuple[int, int, str]] = {}
        self.seen: dict[str, DigestSet | ValueSet] = {
            s.name: DigestSet() if s.protected else ValueSet() for s in category.fields if s.unique
        }
        self.unique_specs = [s for s in category.fields if s.unique]
        # The day ID numbers' birth dates may not pass; None: asked per value. An import
        # sets it per chunk (asking the clock per row is a tenth of the ID check).
        self.today: date | None = None
        self.steps = [(s.name, s.label, s.required, self._step(s)) for s in category.fields]

    @property
    def grids(self) -> dict[str, tuple[int, str]]:
        """Grid code -> (id, village code), for the grids of the user's scope only."""
        if self._grids is None:
            rows = restrict(Grid.objects.all(), self.user, "code").values_list(
                "code", "id", "village__code"
            )
            self._grids = {code: (pk, village) for code, pk, village in rows}
            self._grid_codes = {pk: code for code, (pk, _) in self._grids.items()}
        return self._grids

    def grid_code(self, grid_id: int) -> str:
        self.grids  # noqa: B018 (loads the map)
        return self._grid_codes.get(grid_id, "")

    # Prefetching the references of a chunk.

    def prefetch(self, raw_rows: list[dict[str, Any]]) -> None:
        for spec in self.category.fields:
            if spec.kind not in (Kind.HOUSE, Kind.PERSON):
                continue
            values = [r.get(spec.name) for r in raw_rows if not is_blank(r.get(spec.name))]
            if not values:
                continue
            if spec.kind == Kind.HOUSE:
                codes = {str(v).strip() for v in values}
                rows = restrict(m.House.objects.filter(code__in=codes), self.user, "region_code")
                self.houses = {
                    c: (pk, g, r)
                    for c, pk, g, r in rows.values_list("code", "id", "grid_id", "region_code")
                }
            elif spec.kind == Kind.PERSON:
                id_spec = FieldSpec("id_number", spec.label, Kind.ID_NUMBER)
                digests = set()
                for value in values:
                    try:
                        digests.add(index_of(id_spec, value, self.ring))
                    except FieldInvalid:
                        continue
                rows = restrict(
                    m.Person.objects.filter(id_number_index__in=digests), self.user, "region_code"
                ).values_list("id_number_index", "id", "grid_id", "region_code")
                self.people = {d: (pk, g, r) for d, pk, g, r in rows}

    # One row.

    def clean(self, row_number: int, raw: dict[str, Any]) -> CleanRow:
        out = CleanRow(row_number, {})
        attrs, errors = out.attrs, out.errors
        given: set[str] = set()
        place: dict[str, Any] = {}
        get = raw.get
        for name, label, required, step in self.steps:
            value = get(name)
            # is_blank, inlined: this loop runs for every field of every imported row
            if value is None or (isinstance(value, str) and not value.strip()):
                if required and not self.partial:
                    errors.append(RowError(row_number, label, "必填。"))
                continue
            given.add(name)
            try:
                step(value, attrs, place)
            except FieldInvalid as exc:
                errors.append(RowError(row_number, label, str(exc)))
        if not errors:
            self._place(row_number, given, attrs, place, errors)
        finish_errors: list = []
        self.category.finish(attrs, given, finish_errors, self.partial)
        errors.extend(RowError(row_number, col, reason) for col, reason in finish_errors)
        return out

    def _step(self, spec: FieldSpec) -> Step:
        """The cleaning of one field, bound once per cleaner: per row only the value varies,
        so the kind dispatch and attribute names are not recomputed a million times."""
        parser = PARSERS.get(spec.kind)
        if parser is not None:
            attr = spec.store_attr

            def parse(value: Any, attrs: dict[str, Any], place: dict[str, Any]) -> None:
                attrs[attr] = parser(spec, value)

            return parse
        if spec.kind in PROTECTED:
            return self._protect_step(spec)
        return lambda value, attrs, place: self._reference(spec, value, attrs, place)

    def _protect_step(self, spec: FieldSpec) -> Step:
        kind, ring = MASKED[spec.kind], self.ring
        cipher_attr, index_attr = f"{spec.name}_cipher", f"{spec.name}_index"
        keeps_parsed = spec.name == "id_number"  # sex and birth date follow from it

        def protect(value: Any, attrs: dict[str, Any], place: dict[str, Any]) -> None:
            plain, parsed = normalise_protected(spec, value, self.today)
            attrs[cipher_attr] = protection.encrypt(plain, kind, ring)
            attrs[index_attr] = protection.blind_index(plain, kind, ring)
            if parsed is not None and keeps_parsed:
                attrs["_id_number_parsed"] = parsed

        return protect

    def _reference(self, spec: FieldSpec, value: Any, attrs: dict, place: dict) -> None:
        if spec.kind == Kind.GRID:
            grid = self.grids.get(str(value).strip())
            if grid is None:
                raise FieldInvalid("网格编码" + OUT_OF_SCOPE)
            place["grid"] = grid
        elif spec.kind == Kind.HOUSE:
            house = self.houses.get(str(value).strip())
            if house is None:
                raise FieldInvalid("房屋编码" + OUT_OF_SCOPE)
            attrs["house_id"] = house[0]
            place["house"] = (house[1], house[2])
        elif spec.kind == Kind.PERSON:
            id_spec = FieldSpec("id_number", spec.label, Kind.ID_NUMBER)
            person = self.people.get(index_of(id_spec, value, self.ring))
            if person is None:
                raise FieldInvalid(
                    "未找到该身份证号对应的实有人口（请先登记人口），或不在您的管辖范围内。"
                )
            attrs["person_id"] = person[0]
            place["person"] = (person[1], person[2])

    def _place(self, row: int, given: set[str], attrs: dict, place: dict, errors: list) -> None:
        """Grid and region code, from (in order) a grid code, a house, a person or a point."""
        grid = place.get("grid")
        via = place.get("house") or place.get("person")
        if grid and via and grid[0] != via[0]:
            errors.append(RowError(row, "网格编码", "与所填房屋或人员所在网格不一致。"))
            return
        if grid is None and via is not None:
            grid = via
        has_point = "lon" in given and "lat" in given
        if grid is None and has_point:
            if self.user is None:
                raise PointNeeded  # the grid index of `locate` lives in the database
            try:
                _, _, hit = locate(attrs["lon"], attrs["lat"])
            except LocationError as exc:
                errors.append(RowError(row, "经度", exc.message))
                return
            grid = self.grids.get(hit.code)
            if grid is None:
                errors.append(RowError(row, "经度", "该位置所在网格不在您的管辖范围内。"))
                return
        if ("lon" in given) != ("lat" in given):
            errors.append(RowError(row, "纬度", "经度和纬度须同时填写。"))
        if grid is None:
            if not self.partial:
                errors.append(RowError(row, "网格编码", "须填写网格编码、房屋、人员或经纬度之一。"))
            return
        attrs["grid_id"], attrs["region_code"] = grid

    # A chunk: rows, then unique values across the rows and against the database.

    def clean_chunk(
        self, raw_rows: list[tuple[int, dict[str, Any]]], exclude_pk=None
    ) -> list[CleanRow]:
        self.prefetch([raw for _, raw in raw_rows])
        cleaned = [self.clean(number, raw) for number, raw in raw_rows]
        self.check_unique(cleaned, exclude_pk)
        return cleaned

    def check_unique(self, cleaned: list[CleanRow], exclude_pk=None) -> None:
        """Unique values against the rows seen so far and the database, in row order."""
        for spec in self.unique_specs:
            values = [row.attrs.get(spec.unique_attr) for row in cleaned]
            for at, reason in self.duplicates(spec, values, exclude_pk):
                cleaned[at].errors.append(RowError(cleaned[at].row, spec.label, reason))

    def duplicates(
        self, spec: FieldSpec, values: list[Any], exclude_pk=None, *, stored: bool = True
    ) -> list[tuple[int, str]]:
        """The positions among `values` (in row order; falsy: no value) of values seen
        before or (unless `stored` is False) already stored, with the reason; all of them
        count as seen from now on.

        A chunk without a duplicate, the usual case, is decided by a few operations over
        the whole chunk (see `seen`); only a chunk with one is walked row by row. An import
        passes `stored=False` and asks `stored` only for the chunks it will not write: the
        unique indexes check the others as they are written (`importing.ImportRun`)."""
        present = [v for v in values if v]
        if not present:
            return []
        existing = self._existing(spec.unique_attr, present, exclude_pk) if stored else set()
        seen = self.seen[spec.name]
        keys = seen.keys(present)
        if not existing and seen.fresh(keys):
            seen.update(keys)
            return []
        found = []
        for at, value in enumerate(values):
            if not value:
                continue
            key = seen.key(value)
            if key in seen:
                found.append((at, "与本文件中前面的行重复。"))
                continue
            if value in existing:
                found.append((at, ALREADY_STORED))
            seen.add(key)
        seen.flush()
        return found

    def stored(self, spec: FieldSpec, values: list[Any]) -> list[tuple[int, str]]:
        """The positions among `values` of values already stored, with the reason."""
        existing = self._existing(spec.unique_attr, [v for v in values if v], None)
        return [(at, ALREADY_STORED) for at, value in enumerate(values) if value in existing]

    def _existing(self, attr: str, values: list[Any], exclude_pk) -> set:
        """The values already stored.

        On PostgreSQL an import asks this for every chunk, so: the values travel as one
        comma-joined text split by the server (an array parameter of 2,000 strings costs
        the client 9 µs a value to quote; an IN list of 2,000 placeholders more still), and
        the query repeats the `<> ''` of the partial unique index on keyed index columns,
        without which the planner cannot use that index (see also
        `importing._lookups_by_index`)."""
        if not values:
            return set()
        model = self.category.model
        if connection.vendor != "postgresql" or exclude_pk is not None:
            qs = model.objects.filter(**{f"{attr}__in": values})
            if exclude_pk is not None:
                qs = qs.exclude(pk=exclude_pk)
            return set(qs.values_list(attr, flat=True))
        quote = connection.ops.quote_name
        column = quote(model._meta.get_field(attr).column)
        joined = ",".join(values)
        if joined.count(",") == len(values) - 1:  # digests never hold a comma; codes may
            wanted, param = "string_to_array(%s, ',')", joined
        else:
            wanted, param = "%s", values
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column} FROM {quote(model._meta.db_table)}"  # noqa: S608 (names from the model)
                f" WHERE {column} = ANY({wanted}) AND {column} <> ''",
                [param],
            )
            return {value for (value,) in cursor.fetchall()}
