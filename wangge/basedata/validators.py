"""Validators for the identifiers base data carries: ID numbers, credit codes, phones.

Each validator takes the raw text and returns the normalised value, or raises
`FieldInvalid` with one human reason; imports and the API report that reason per field.
"""

import re
from dataclasses import dataclass
from datetime import date
from operator import mul


class FieldInvalid(ValueError):
    """The value of one field is unusable; the message says why, for the person fixing it."""


# GB 11643-1999: weights 2^(17-i) mod 11 and the check character indexed by the sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
_ID_ASCII_OFFSET = ord("0") * sum(_ID_WEIGHTS)  # what the code points add over the digits
_EARLIEST_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    sex: str  # "male" | "female": the 17th digit is odd for men


def id_check_char(first17: str) -> str:
    """The GB 11643 check character. ASCII digits are weighted by their code points in C
    (`map` over the bytes, less the constant the code points add): a quarter of the cost of
    a Python loop, and an import checks one ID per row. Anything else (other Unicode digits,
    which the shape allows) takes the plain loop."""
    if len(first17) == len(_ID_WEIGHTS) and first17.isascii() and first17.isdigit():
        return _ID_CHECK[(sum(map(mul, first17.encode(), _ID_WEIGHTS)) - _ID_ASCII_OFFSET) % 11]
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, today: date | None = None) -> IdNumber:
    value = raw.strip().upper()
    if not _ID_SHAPE.match(value):
        raise FieldInvalid("身份证号应为 18 位：17 位数字加 1 位数字或 X。")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise FieldInvalid("身份证号中的出生日期不存在。") from exc
    if not _EARLIEST_BIRTH <= born <= (today or date.today()):  # noqa: DTZ011 (a calendar date)
        raise FieldInvalid("身份证号中的出生日期不在合理范围内。")
    if id_check_char(value[:17]) != value[17]:
        raise FieldInvalid("身份证号校验码错误（GB 11643）。")
    return IdNumber(value, born, "male" if int(value[16]) % 2 else "female")


# GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^i mod 31.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUE = {ch: i for i, ch in enumerate(CREDIT_CHARSET)}
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_CREDIT_SHAPE = re.compile(rf"^[{CREDIT_CHARSET}]{{18}}$")
# GB 11714 organisation code embedded in characters 9-17, with its own check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_check_char(first17: str) -> str:
    total = sum(_CREDIT_VALUE[ch] * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum(int(ch, 36) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def parse_credit_code(raw: str) -> str:
    value = raw.strip().upper()
    if not _CREDIT_SHAPE.match(value):
        raise FieldInvalid("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。")
    if credit_check_char(value[:17]) != value[17]:
        raise FieldInvalid("统一社会信用代码校验码错误（GB 32100）。")
    if org_code_check_char(value[8:16]) != value[16]:
        raise FieldInvalid("统一社会信用代码中的组织机构代码校验码错误（GB 11714）。")
    return value


_PHONE_NOISE = re.compile(r"[\s()（）]")
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_FIXED = re.compile(r"^(0\d{2,3})-?([2-9]\d{6,7})(?:-(\d{1,6}))?$")


def parse_phone(raw: str) -> str:
    """A mainland mobile (13800138000) or fixed number (0429-1234567[-123]), normalised.

    A bare 11-digit mobile, what almost every row of an import holds, is answered without
    the three regular expressions."""
    value = raw.strip()
    mobile_shape = len(value) == 11 and value[0] == "1" and value[1] in "3456789"
    if mobile_shape and value.isascii() and value.isdigit():
        return value
    value = _PHONE_NOISE.sub("", value)
    if mobile := _MOBILE.match(value.replace("-", "")):
        return mobile.group(1)
    if fixed := _FIXED.match(value):
        area, local, ext = fixed.groups()
        return f"{area}-{local}" + (f"-{ext}" if ext else "")
    raise FieldInvalid("电话号码应为 11 位手机号，或带区号的固定电话（如 0429-1234567）。")


def parse_mobile(raw: str) -> str:
    value = parse_phone(raw)
    if value.startswith("0"):
        raise FieldInvalid("手机号应为 1 开头的 11 位数字。")
    return value
