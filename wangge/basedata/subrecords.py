"""Records that belong to another record: dispute parties and mediations, inspections.

A mediation with a final result closes its dispute (调解成功 / 调解不成功); those closed
disputes are what the mediation success rate counts (`mediation_counts`).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from wangge.basedata import models as m
from wangge.basedata import protection
from wangge.basedata.categories import BUILTIN
from wangge.basedata.cleaning import RowError
from wangge.basedata.fields import (
    FieldSpec,
    Kind,
    as_text,
    is_blank,
    normalise_protected,
    parse_date,
)
from wangge.basedata.services import _invalid, get_record
from wangge.basedata.validators import FieldInvalid
from wangge.errors import Conflict
from wangge.regions.codes import prefix_range

FINAL = {
    m.MediationResult.SUCCESS: m.DisputeStatus.RESOLVED,
    m.MediationResult.FAILURE: m.DisputeStatus.FAILED,
}
PARTY_ID = FieldSpec("id_number", "身份证号", Kind.ID_NUMBER)
PARTY_PHONE = FieldSpec("phone", "联系电话", Kind.PHONE)


def _required_text(data: dict, key: str, label: str, errors: list, limit: int = 4000) -> str:
    value = data.get(key)
    if is_blank(value):
        errors.append(RowError(1, label, "必填。"))
        return ""
    text = as_text(value)
    if len(text) > limit:
        errors.append(RowError(1, label, f"长度不能超过 {limit} 个字符。"))
    return text


def _date(data: dict, key: str, label: str, errors: list) -> date | None:
    try:
        value = parse_date(data.get(key)) if not is_blank(data.get(key)) else None
    except FieldInvalid as exc:
        errors.append(RowError(1, label, str(exc)))
        return None
    if value is None:
        errors.append(RowError(1, label, "必填。"))
    elif value > date.today():  # noqa: DTZ011 (a calendar date)
        errors.append(RowError(1, label, "不能晚于今天。"))
    return value


def _choice(data: dict, key: str, label: str, choices, errors: list) -> str:
    word = as_text(data.get(key) or "")
    for value, text in choices.choices:
        if word in (value, str(text)):
            return value
    errors.append(RowError(1, label, "取值不在可选范围内。"))
    return ""


@transaction.atomic
def add_party(user, dispute_id: int, data: dict[str, Any]) -> m.DisputeParty:
    dispute = get_record(BUILTIN["dispute"], user, dispute_id)
    errors: list[RowError] = []
    party = m.DisputeParty(dispute=dispute)
    party.role = _choice(data, "role", "当事人身份", m.PartyRole, errors)
    party.name = _required_text(data, "name", "姓名/名称", errors, limit=100)
    for spec in (PARTY_ID, PARTY_PHONE):
        if is_blank(data.get(spec.name)):
            continue
        try:
            plain, _ = normalise_protected(spec, data[spec.name])
        except FieldInvalid as exc:
            errors.append(RowError(1, spec.label, str(exc)))
            continue
        setattr(party, f"{spec.name}_cipher", protection.encrypt(plain, spec.name))
        setattr(party, f"{spec.name}_index", protection.blind_index(plain, spec.name))
    if errors:
        raise _invalid(errors)
    party.save()
    return party


@transaction.atomic
def record_mediation(user, dispute_id: int, data: dict[str, Any]) -> m.MediationRecord:
    dispute = get_record(BUILTIN["dispute"], user, dispute_id)
    dispute = m.Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status in (m.DisputeStatus.RESOLVED, m.DisputeStatus.FAILED):
        raise Conflict("dispute_closed", "该纠纷已办结，不能再添加调解记录。")
    errors: list[RowError] = []
    mediated_on = _date(data, "mediated_on", "调解日期", errors)
    content = _required_text(data, "content", "调解情况", errors)
    result = _choice(data, "result", "调解结果", m.MediationResult, errors)
    if mediated_on and mediated_on < dispute.occurred_on:
        errors.append(RowError(1, "调解日期", "不能早于纠纷发生日期。"))
    if errors:
        raise _invalid(errors)
    record = m.MediationRecord.objects.create(
        dispute=dispute, mediated_on=mediated_on, mediator=user, content=content, result=result
    )
    dispute.status = FINAL.get(result, m.DisputeStatus.MEDIATING)
    dispute.closed_on = mediated_on if result in FINAL else None
    dispute.save(update_fields=["status", "closed_on", "updated_at"])
    return record


@transaction.atomic
def record_inspection(user, place_id: int, data: dict[str, Any]) -> m.KeyPlaceInspection:
    place = get_record(BUILTIN["key_place"], user, place_id)
    errors: list[RowError] = []
    inspected_on = _date(data, "inspected_on", "检查日期", errors)
    findings = as_text(data.get("findings") or "")
    if len(findings) > 4000:
        errors.append(RowError(1, "检查情况", "长度不能超过 4000 个字符。"))
    flags = {}
    for key, label in (("hazards_found", "发现隐患"), ("rectified", "已整改")):
        value = data.get(key, False)
        if not isinstance(value, bool):
            errors.append(RowError(1, label, "应为 true 或 false。"))
        flags[key] = value is True
    if errors:
        raise _invalid(errors)
    inspection = m.KeyPlaceInspection.objects.create(
        place=place,
        grid_id=place.grid_id,
        region_code=place.region_code,
        inspected_on=inspected_on,
        inspector=user,
        findings=findings,
        **flags,
    )
    if place.last_inspected_on is None or inspected_on > place.last_inspected_on:
        place.last_inspected_on = inspected_on
        place.save(update_fields=["last_inspected_on"])
    return inspection


@dataclass(frozen=True)
class MediationCounts:
    closed: int
    resolved: int

    @property
    def success_rate(self) -> float | None:
        return self.resolved / self.closed if self.closed else None


def mediation_counts(prefix: str, start: date, end: date) -> MediationCounts:
    """Disputes of a region subtree closed in [start, end): all, and those mediated successfully.

    The input of 调解成功率 (resolved / closed) for assessment.metrics; `prefix` is a
    region's significant code prefix, as scope and metrics use it.
    """
    low, high = prefix_range(prefix)
    rows = m.Dispute.objects.filter(
        region_code__gte=low, region_code__lte=high, closed_on__gte=start, closed_on__lt=end
    ).aggregate(closed=Count("id"), resolved=Count("id", filter=Q(status=m.DisputeStatus.RESOLVED)))
    return MediationCounts(rows["closed"], rows["resolved"])
