"""Create and edit forms generated from a category's FieldSpec table.

No rule lives here: the form only turns the table into inputs and the posted inputs into
the `values` dict the services take, and it places the services' errors (one per field,
named by the field's Chinese label) next to their inputs. Personal values (ID numbers,
phones, names) are never put back into an input: an edit form shows them masked as a
placeholder and a blank input leaves them unchanged.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from wangge.basedata import services
from wangge.basedata.categories import Category
from wangge.basedata.fields import MASKED, FieldSpec, Kind
from wangge.errors import DomainError

LONG_TEXT = 500  # above this length a text field is a textarea
NUMBER_KINDS = {Kind.INT: "1", Kind.FLOAT: "any"}
PERSONAL = {*MASKED, Kind.PERSON}


@dataclass
class FormField:
    spec: FieldSpec
    widget: str
    value: str = ""
    placeholder: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    step: str = ""
    error: str = ""


def _widget(spec: FieldSpec) -> str:
    if spec.kind in (Kind.CHOICE, Kind.BOOL, Kind.GRID):
        return "select"
    if spec.kind in NUMBER_KINDS:
        return "number"
    if spec.kind == Kind.DATE:
        return "date"
    if spec.kind == Kind.TEXT and spec.max_length > LONG_TEXT:
        return "textarea"
    return "text"


def _options(spec: FieldSpec, grids: list[tuple[str, str]]) -> list[tuple[str, str]]:
    blank = [("", "—")]
    if spec.kind == Kind.CHOICE:
        return blank + list(spec.choices)
    if spec.kind == Kind.BOOL:
        return [*blank, ("是", _("是")), ("否", _("否"))]
    if spec.kind == Kind.GRID:
        return blank + grids
    return []


def initial_values(category: Category, obj) -> tuple[dict[str, str], dict[str, str]]:
    """(inputs to prefill, masked placeholders) for editing a record."""
    values, masked = {}, {}
    for spec in category.fields:
        shown = services.display_value(category, obj, spec)
        if spec.kind in PERSONAL:
            masked[spec.name] = shown or ""
        elif spec.kind == Kind.BOOL:
            values[spec.name] = "" if shown is None else ("是" if shown else "否")
        else:
            values[spec.name] = "" if shown is None else str(shown)
    return values, masked


def build(
    category: Category,
    grids: list[tuple[str, str]],
    values: dict[str, str],
    masked: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> list[FormField]:
    masked, errors = masked or {}, errors or {}
    fields = []
    for spec in category.fields:
        hint = masked.get(spec.name, "")
        fields.append(
            FormField(
                spec=spec,
                widget=_widget(spec),
                value="" if spec.kind in PERSONAL else values.get(spec.name, ""),
                placeholder=_("%(value)s（留空则不修改）") % {"value": hint} if hint else "",
                options=_options(spec, grids),
                step=NUMBER_KINDS.get(spec.kind, ""),
                error=errors.get(spec.name, ""),
            )
        )
    return fields


def posted(category: Category, data: QueryDict) -> dict[str, str]:
    return {spec.name: data.get(spec.name, "").strip() for spec in category.fields}


def changes(category: Category, data: dict[str, str], initial: dict[str, str]) -> dict[str, Any]:
    """The values to send: what was filled in and differs from what the record holds."""
    return {
        spec.name: data[spec.name]
        for spec in category.fields
        if data[spec.name] and data[spec.name] != initial.get(spec.name, "")
    }


def field_errors(category: Category, error: DomainError) -> tuple[dict[str, str], list[str]]:
    """The services' errors by field name, and those that name no field of the form."""
    by_label = {spec.label: spec.name for spec in category.fields}
    by_field: dict[str, str] = {}
    general: list[str] = []
    details = error.details if isinstance(error.details, list) else []
    for item in details:
        name = by_label.get(str(item.get("field", "")))
        if name and name not in by_field:
            by_field[name] = str(item.get("reason", ""))
        elif not name:
            general.append(f"{item.get('field', '')}：{item.get('reason', '')}")
    if not details:
        general.append(error.message)
    return by_field, general
