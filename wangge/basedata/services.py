"""Base-data actions: create, update, delete, reveal, and the records' masked shape.

Every action takes the acting user, restricts to their data scope (out of scope is 404)
and checks the personal-data permissions in `access`. Clear ID numbers, phones and names
leave this module only through `reveal`, which logs who, when, what and why.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from wangge.accounts.scope import restrict
from wangge.basedata import access, protection
from wangge.basedata import models as m
from wangge.basedata.categories import Category
from wangge.basedata.cleaning import RowCleaner, RowError
from wangge.basedata.fields import MASKED, PROTECTED, FieldSpec, Kind, mask_value
from wangge.errors import Conflict, DomainError, NotFound

MIN_REASON = 4
# Values the services derive rather than take as input, shown beside the fields.
DERIVED = {m.Person: ("sex", "birth_date"), m.SpecialPopulation: ("next_visit_due",)}


def visible(category: Category, user) -> QuerySet:
    access.require_category(user, category)
    return restrict(category.queryset(), user, "region_code")


def get_record(category: Category, user, pk: int) -> Model:
    obj = visible(category, user).filter(pk=pk).first()
    if obj is None:
        raise NotFound("record_not_found", f"{category.label}记录不存在或不在您的管辖范围内。")
    return obj


def plain_value(category: Category, obj: Model, spec: FieldSpec) -> str:
    stored = category.stored(obj, spec)
    if not stored:
        return ""
    if spec.kind in PROTECTED:
        return protection.decrypt(stored, MASKED[spec.kind])
    return str(stored)


def display_value(category: Category, obj: Model, spec: FieldSpec) -> Any:
    """The value as every list, detail and export shows it: masked where personal."""
    if spec.kind == Kind.GRID:
        return obj.grid.code
    if spec.kind == Kind.HOUSE:
        return obj.house.code if obj.house_id else None
    if spec.kind == Kind.PERSON:
        return protection.mask_id_number(
            protection.decrypt(obj.person.id_number_cipher, "id_number")
        )
    if spec.kind in MASKED:
        return mask_value(spec.kind, plain_value(category, obj, spec))
    value = category.stored(obj, spec)
    return value.isoformat() if hasattr(value, "isoformat") else value


def record_out(category: Category, obj: Model) -> dict[str, Any]:
    values = {spec.name: display_value(category, obj, spec) for spec in category.fields}
    out: dict[str, Any] = {"id": obj.pk, "category": category.key, "values": values}
    out["region_code"] = obj.region_code
    for attr in DERIVED.get(category.model, ()):
        value = getattr(obj, attr)
        out["values"][attr] = value.isoformat() if hasattr(value, "isoformat") else value
    if hasattr(obj, "person_id") and category.custom is None:
        out["person"] = {"id": obj.person_id, "name": protection.mask_name(obj.person.name)}
    return out


def _invalid(errors: list[RowError]) -> DomainError:
    details = [{"field": e.column, "reason": e.reason} for e in errors]
    return DomainError("invalid_input", "数据校验未通过，请按字段修改。", details)


@transaction.atomic
def create_record(category: Category, user, data: dict[str, Any]) -> Model:
    access.require_category(user, category)
    cleaner = RowCleaner(category, user)
    (row,) = cleaner.clean_chunk([(1, data)])
    if row.errors:
        raise _invalid(row.errors)
    obj = category.model()
    category.apply(obj, row.attrs)
    return _save(obj)


@transaction.atomic
def update_record(category: Category, user, pk: int, data: dict[str, Any]) -> Model:
    obj = get_record(category, user, pk)
    cleaner = RowCleaner(category, user, partial=True)
    (row,) = cleaner.clean_chunk([(1, data)], exclude_pk=pk)
    if row.errors:
        raise _invalid(row.errors)
    row.attrs["updated_at"] = timezone.now()
    category.apply(obj, row.attrs)
    return _save(obj)


def _save(obj: Model) -> Model:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict("duplicate_record", "与已有记录重复。") from exc
    return obj


@transaction.atomic
def delete_record(category: Category, user, pk: int) -> None:
    obj = get_record(category, user, pk)
    obj.delete()


@transaction.atomic
def reveal(category: Category, user, pk: int, field: str, reason: str) -> str:
    """The clear value of one personal field, written to the reveal log with the reason."""
    access.require(user, m.Permission.REVEAL)
    obj = get_record(category, user, pk)
    spec = category.specs.get(field)
    if spec is None or spec.kind not in MASKED:
        raise DomainError("not_revealable", "该字段不是需要脱敏的个人信息。", {"field": field})
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise DomainError("reason_required", f"请填写查看事由（至少 {MIN_REASON} 个字）。")
    m.RevealLog.objects.create(
        user=user,
        category=category.key,
        record_id=obj.pk,
        field=field,
        reason=reason[:200],
        region_code=obj.region_code,
    )
    return plain_value(category, obj, spec)
