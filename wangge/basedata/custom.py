"""Defining "X" categories: an administrator's field list, checked before it is stored."""

import re
from typing import Any

from django.db import IntegrityError, transaction

from wangge.basedata.categories import PLACEMENT
from wangge.basedata.fields import Kind
from wangge.basedata.models import CustomCategory
from wangge.errors import Conflict, DomainError

DEFINABLE = {
    Kind.TEXT,
    Kind.NAME,
    Kind.INT,
    Kind.FLOAT,
    Kind.DATE,
    Kind.BOOL,
    Kind.CHOICE,
    Kind.ID_NUMBER,
    Kind.PHONE,
    Kind.CREDIT_CODE,
}
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
RESERVED = {spec.name for spec in PLACEMENT}
MAX_FIELDS = 60


def check_definition(fields: Any) -> list[dict[str, str]]:
    """Every problem of a field list, as {field, reason}; empty when it can be stored."""
    if not isinstance(fields, list) or not fields:
        return [{"field": "fields", "reason": "应为非空的字段列表。"}]
    if len(fields) > MAX_FIELDS:
        return [{"field": "fields", "reason": f"最多 {MAX_FIELDS} 个字段。"}]
    problems, keys, labels = [], set(), set()
    for i, item in enumerate(fields):
        where = f"fields[{i}]"
        if not isinstance(item, dict):
            problems.append({"field": where, "reason": "应为对象。"})
            continue
        key, label, kind = item.get("key"), item.get("label"), item.get("type")
        if not isinstance(key, str) or not _KEY.match(key) or key in RESERVED:
            problems.append(
                {
                    "field": f"{where}.key",
                    "reason": "应为小写字母开头的标识，且不能与位置字段同名。",
                }
            )
        elif key in keys:
            problems.append({"field": f"{where}.key", "reason": "字段标识重复。"})
        if not isinstance(label, str) or not 1 <= len(label.strip()) <= 40:
            problems.append({"field": f"{where}.label", "reason": "应为 1～40 个字符的名称。"})
        elif label in labels:
            problems.append({"field": f"{where}.label", "reason": "字段名称重复。"})
        if kind not in {k.value for k in DEFINABLE}:
            allowed = ", ".join(sorted(k.value for k in DEFINABLE))
            problems.append({"field": f"{where}.type", "reason": f"类型应为 {allowed} 之一。"})
        choices = item.get("choices")
        if kind == Kind.CHOICE and (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c.strip() for c in choices)
        ):
            problems.append(
                {"field": f"{where}.choices", "reason": "选项字段须给出非空的选项列表。"}
            )
        if "required" in item and not isinstance(item["required"], bool):
            problems.append({"field": f"{where}.required", "reason": "应为 true 或 false。"})
        max_length = item.get("max_length", 200)
        if not isinstance(max_length, int) or not 1 <= max_length <= 4000:
            problems.append({"field": f"{where}.max_length", "reason": "应为 1～4000 的整数。"})
        keys.add(key)
        labels.add(label)
    return problems


@transaction.atomic
def define_category(code: str, name: str, fields: Any, sensitive: bool = False) -> CustomCategory:
    problems = check_definition(fields)
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append(
            {"field": "code", "reason": "应为小写字母开头的 2～40 位字母、数字或连字符。"}
        )
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
        problems.append({"field": "name", "reason": "应为 1～100 个字符。"})
    if problems:
        raise DomainError("invalid_definition", "类别定义不合法。", problems)
    try:
        with transaction.atomic():
            return CustomCategory.objects.create(
                code=code, name=name.strip(), fields=fields, sensitive=sensitive
            )
    except IntegrityError as exc:
        raise Conflict("category_exists", "已有同编码或同名称的类别。") from exc
