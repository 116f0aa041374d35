"""Field specifications and the one cleaning routine used by the API, imports and X categories.

A category is a tuple of `FieldSpec`s. `clean_value` turns one raw value (JSON or a
spreadsheet cell) into the attributes to store, or raises FieldInvalid with one reason; the
same rules therefore apply whether a record arrives through a form, the API or a file of a
million rows, and whether its category is built in or defined by an administrator.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from wangge.basedata import protection
from wangge.basedata.validators import (
    FieldInvalid,
    parse_credit_code,
    parse_id_number,
    parse_phone,
)


class Kind(StrEnum):
    TEXT = "text"
    NAME = "name"  # a person's name: stored in clear (searched), masked on output
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    CREDIT_CODE = "credit_code"
    # References that also place the record: a grid code, a house code, a person's ID number.
    GRID = "grid"
    HOUSE = "house"
    PERSON = "person"


PROTECTED = {Kind.ID_NUMBER, Kind.PHONE}
MASKED = {Kind.ID_NUMBER: "id_number", Kind.PHONE: "phone", Kind.NAME: "name"}
REFERENCES = {Kind.GRID, Kind.HOUSE, Kind.PERSON}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int = 200
    choices: tuple[tuple[str, str], ...] = ()
    unique: bool = False

    @property
    def protected(self) -> bool:
        return self.kind in PROTECTED

    @property
    def store_attr(self) -> str:
        """The model attribute holding the value (for protected values, the ciphertext)."""
        if self.kind in PROTECTED:
            return f"{self.name}_cipher"
        return {Kind.GRID: "grid_id", Kind.HOUSE: "house_id", Kind.PERSON: "person_id"}.get(
            self.kind, self.name
        )

    @property
    def unique_attr(self) -> str:
        return f"{self.name}_index" if self.kind in PROTECTED else self.store_attr


TRUE_WORDS = {"是", "有", "true", "1", "yes", "y"}
FALSE_WORDS = {"否", "无", "false", "0", "no", "n"}


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw: Any) -> str:
    """Spreadsheet cells arrive as numbers too; 13800138000.0 must read as 13800138000."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _text(spec: FieldSpec, raw: Any) -> str:
    value = as_text(raw)
    if len(value) > spec.max_length:
        raise FieldInvalid(f"长度不能超过 {spec.max_length} 个字符。")
    return value


def _int(spec: FieldSpec, raw: Any) -> int:
    if isinstance(raw, bool):
        raise FieldInvalid("应为整数。")
    try:
        value = int(as_text(raw))
    except ValueError as exc:
        raise FieldInvalid("应为整数。") from exc
    if not 0 <= value <= 2_000_000_000:
        raise FieldInvalid("应为不小于 0 的整数。")
    return value


def _float(spec: FieldSpec, raw: Any) -> float:
    try:
        value = float(as_text(raw))
    except ValueError as exc:
        raise FieldInvalid("应为数值。") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldInvalid("应为有限数值。")
    return value


def parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = as_text(raw).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise FieldInvalid("日期应为 YYYY-MM-DD 格式。") from exc


def _date(spec: FieldSpec, raw: Any) -> date:
    return parse_date(raw)


def _bool(spec: FieldSpec, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    word = as_text(raw).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldInvalid("应为“是”或“否”。")


def _choice(spec: FieldSpec, raw: Any) -> str:
    word = as_text(raw)
    for value, label in spec.choices:
        if word in (value, label):
            return value
    allowed = "、".join(label for _, label in spec.choices)
    raise FieldInvalid(f"应为以下之一：{allowed}。")


PARSERS: dict[Kind, Callable[[FieldSpec, Any], Any]] = {
    Kind.TEXT: _text,
    Kind.NAME: _text,
    Kind.INT: _int,
    Kind.FLOAT: _float,
    Kind.DATE: _date,
    Kind.BOOL: _bool,
    Kind.CHOICE: _choice,
    Kind.CREDIT_CODE: lambda spec, raw: parse_credit_code(as_text(raw)),
}


def normalise_protected(spec: FieldSpec, raw: Any, today: date | None = None) -> tuple[str, Any]:
    """The normalised clear value, and the parsed ID number (for derived fields) if any."""
    text = as_text(raw)
    if spec.kind == Kind.ID_NUMBER:
        parsed = parse_id_number(text, today)
        return parsed.value, parsed
    return parse_phone(text), None


def index_of(spec: FieldSpec, raw: Any, ring: protection.Keyring | None = None) -> str:
    """The keyed index of a raw value, for lookups; FieldInvalid when it is malformed."""
    plain, _ = normalise_protected(spec, raw)
    return protection.blind_index(plain, MASKED[spec.kind], ring)


def mask_value(kind: Kind, plain: str) -> str:
    return protection.MASKS[MASKED[kind]](plain) if plain else plain


def spec_from_definition(item: dict) -> FieldSpec:
    """A FieldSpec from one entry of a custom category's definition (already checked)."""
    return FieldSpec(
        name=item["key"],
        label=item["label"],
        kind=Kind(item["type"]),
        required=bool(item.get("required", False)),
        max_length=int(item.get("max_length", 200)),
        choices=tuple((c, c) for c in item.get("choices", [])),
    )
