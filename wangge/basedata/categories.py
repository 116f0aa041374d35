"""The nine built-in categories as field tables, and custom ("X") categories beside them.

The API, the import and export, the templates and the admin's masked columns all read these
tables, so a column exists once: its label is the spreadsheet header, its kind the rule.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import models
from django.db.models import TextChoices

from wangge.basedata import models as m
from wangge.basedata.fields import FieldSpec, Kind, spec_from_definition
from wangge.basedata.models.people import DEFAULT_VISIT_DAYS
from wangge.basedata.validators import FieldInvalid

CUSTOM_PREFIX = "x-"


def choice(name: str, label: str, choices: type[TextChoices], required: bool = True) -> FieldSpec:
    pairs = tuple((str(v), str(lbl)) for v, lbl in choices.choices)
    return FieldSpec(name, label, Kind.CHOICE, required=required, choices=pairs)


def name(field_name: str, label: str, required: bool = False) -> FieldSpec:
    return FieldSpec(field_name, label, Kind.NAME, required=required, max_length=50)


PLACEMENT = (
    FieldSpec("grid_code", "网格编码", Kind.GRID),
    FieldSpec("lon", "经度", Kind.FLOAT),
    FieldSpec("lat", "纬度", Kind.FLOAT),
)


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    model: type[models.Model]
    fields: tuple[FieldSpec, ...]
    sensitive: bool = False  # special populations and key youth: their own permission
    custom: m.CustomCategory | None = field(default=None, compare=False)

    @property
    def specs(self) -> dict[str, FieldSpec]:
        return {spec.name: spec for spec in self.fields}

    def spec_for_header(self, header: str) -> FieldSpec | None:
        header = header.strip()
        for spec in self.fields:
            if header in (spec.label, spec.name):
                return spec
        return None

    def queryset(self) -> models.QuerySet:
        qs = self.model.objects.select_related("grid")
        if self.custom is not None:
            return qs.filter(category=self.custom)
        if self.model is m.Person:
            return qs.select_related("house")
        if self.model in (m.SpecialPopulation, m.KeyYouth):
            return qs.select_related("person")
        return qs

    def stored(self, obj: models.Model, spec: FieldSpec) -> Any:
        """The stored value of one field (ciphertext for protected ones)."""
        if self.custom is None or spec.name in ("lon", "lat"):
            return getattr(obj, spec.store_attr)
        if spec.kind == Kind.GRID:
            return obj.grid_id
        return obj.data.get(spec.name)

    def apply(self, obj: models.Model, attrs: dict[str, Any]) -> None:
        """Set cleaned attributes on a (new or existing) record."""
        if self.custom is None:
            for attr, value in attrs.items():
                setattr(obj, attr, value)
            return
        obj.category = self.custom
        data = dict(obj.data or {})
        index = {item.partition(":")[0]: item for item in obj.search_index or []}
        for attr, value in attrs.items():
            if attr in CUSTOM_COLUMNS:
                setattr(obj, attr, value)
            elif attr.endswith("_cipher"):
                data[attr.removesuffix("_cipher")] = value
            elif attr.endswith("_index"):
                index[attr.removesuffix("_index")] = f"{attr.removesuffix('_index')}:{value}"
            else:
                data[attr] = value.isoformat() if isinstance(value, date) else value
        obj.data, obj.search_index = data, sorted(index.values())

    def finish(self, attrs: dict[str, Any], given: set[str], errors: list, partial: bool) -> None:
        """Rules across fields, run after each field is clean (see `FINISHERS`).

        An update (`partial`) checks only what it changes: the rules that need fields the
        update leaves alone were met when the record was created."""
        finisher = FINISHERS.get(self.key)
        if finisher and not (partial and not given & PARTIAL_TRIGGERS.get(self.key, set())):
            finisher(attrs, given, errors)


CUSTOM_COLUMNS = {"grid_id", "region_code", "lon", "lat"}


def _finish_person(attrs: dict, given: set[str], errors: list) -> None:
    parsed = attrs.pop("_id_number_parsed", None)
    if parsed is None:
        if (
            "kind" in given
            and attrs.get("kind") != m.PersonKind.FOREIGN
            and "id_number" not in given
        ):
            errors.append(("身份证号", "除境外人员外，身份证号必填。"))
        return
    if "sex" in given and attrs.get("sex") and attrs["sex"] != parsed.sex:
        errors.append(("性别", "与身份证号推算的性别不一致。"))
    if (
        "birth_date" in given
        and attrs.get("birth_date")
        and attrs["birth_date"] != parsed.birth_date
    ):
        errors.append(("出生日期", "与身份证号中的出生日期不一致。"))
    attrs["sex"], attrs["birth_date"] = parsed.sex, parsed.birth_date


def _finish_special(attrs: dict, given: set[str], errors: list) -> None:
    if "visit_days" not in given and attrs.get("level"):
        attrs["visit_days"] = DEFAULT_VISIT_DAYS[m.ManagementLevel(attrs["level"])]
    if attrs.get("visit_days") == 0:
        errors.append(("走访周期（天）", "走访周期应大于 0 天。"))
    last = attrs.get("last_visited_on")
    if last and last > date.today():  # noqa: DTZ011 (a calendar date)
        errors.append(("最近走访日期", "不能晚于今天。"))
    if attrs.get("visit_days"):
        start = last or date.today()  # noqa: DTZ011
        attrs["next_visit_due"] = start + timedelta(days=attrs["visit_days"])


def _finish_dispute(attrs: dict, given: set[str], errors: list) -> None:
    closed = attrs.get("status") in (m.DisputeStatus.RESOLVED, m.DisputeStatus.FAILED)
    if closed and not attrs.get("closed_on"):
        errors.append(("办结日期", "调解成功或不成功的纠纷须填写办结日期。"))
    if not closed and attrs.get("closed_on"):
        errors.append(("办结日期", "未办结的纠纷不能有办结日期。"))
    if (
        attrs.get("closed_on")
        and attrs.get("occurred_on")
        and attrs["closed_on"] < attrs["occurred_on"]
    ):
        errors.append(("办结日期", "不能早于发生日期。"))


# Fields whose change re-runs the category's cross-field rules on an update.
PARTIAL_TRIGGERS = {
    "person": {"id_number", "sex", "birth_date"},
    "special_population": {"level", "visit_days", "last_visited_on"},
    "dispute": {"status", "closed_on", "occurred_on"},
}

FINISHERS = {
    "person": _finish_person,
    "special_population": _finish_special,
    "dispute": _finish_dispute,
}

T = Kind.TEXT
BUILTIN: dict[str, Category] = {
    c.key: c
    for c in (
        Category(
            "person",
            "实有人口",
            m.Person,
            (
                name("name", "姓名", required=True),
                choice("kind", "人口类型", m.PersonKind),
                FieldSpec("id_number", "身份证号", Kind.ID_NUMBER, unique=True),
                choice("sex", "性别", m.Sex, required=False),
                FieldSpec("birth_date", "出生日期", Kind.DATE),
                FieldSpec("phone", "联系电话", Kind.PHONE),
                FieldSpec("ethnicity", "民族", T, max_length=20),
                FieldSpec("address", "现住址", T),
                FieldSpec("registered_address", "户籍地址", T),
                FieldSpec("house_code", "房屋编码", Kind.HOUSE),
                *PLACEMENT,
            ),
        ),
        Category(
            "house",
            "房屋",
            m.House,
            (
                FieldSpec("code", "房屋编码", T, required=True, max_length=32, unique=True),
                FieldSpec("address", "地址", T, required=True),
                choice("use", "用途", m.HouseUse),
                FieldSpec("floor_area", "建筑面积（㎡）", Kind.FLOAT),
                name("owner_name", "房主姓名"),
                FieldSpec("owner_id_number", "房主身份证号", Kind.ID_NUMBER),
                FieldSpec("owner_phone", "房主电话", Kind.PHONE),
                *PLACEMENT,
            ),
        ),
        Category(
            "special_population",
            "特殊人群",
            m.SpecialPopulation,
            (
                FieldSpec("person_id_number", "身份证号", Kind.PERSON, required=True),
                choice("kind", "人群类别", m.SpecialKind),
                choice("level", "管理等级", m.ManagementLevel),
                FieldSpec("visit_days", "走访周期（天）", Kind.INT),
                FieldSpec("last_visited_on", "最近走访日期", Kind.DATE),
                FieldSpec("notes", "备注", T, max_length=2000),
            ),
            sensitive=True,
        ),
        Category(
            "key_youth",
            "重点青少年",
            m.KeyYouth,
            (
                FieldSpec("person_id_number", "身份证号", Kind.PERSON, required=True),
                choice("kind", "类别", m.KeyYouthKind),
                name("guardian_name", "监护人"),
                FieldSpec("guardian_phone", "监护人电话", Kind.PHONE),
                FieldSpec("notes", "帮扶情况", T, max_length=2000),
            ),
            sensitive=True,
        ),
        Category(
            "organization",
            "非公有制经济组织和社会组织",
            m.Organization,
            (
                FieldSpec("name", "名称", T, required=True),
                choice("kind", "组织类型", m.OrgKind),
                FieldSpec("credit_code", "统一社会信用代码", Kind.CREDIT_CODE, True, unique=True),
                name("legal_representative", "法定代表人"),
                FieldSpec("contact_phone", "联系电话", Kind.PHONE),
                FieldSpec("address", "地址", T, required=True),
                FieldSpec("employees", "从业人数", Kind.INT),
                FieldSpec("has_party_org", "建有党组织", Kind.BOOL),
                *PLACEMENT,
            ),
        ),
        Category(
            "key_place",
            "重点场所",
            m.KeyPlace,
            (
                FieldSpec("name", "名称", T, required=True),
                choice("kind", "场所类型", m.KeyPlaceKind),
                FieldSpec("address", "地址", T, required=True),
                name("manager_name", "负责人"),
                FieldSpec("manager_phone", "负责人电话", Kind.PHONE),
                FieldSpec("last_inspected_on", "最近检查日期", Kind.DATE),
                *PLACEMENT,
            ),
        ),
        Category(
            "dispute",
            "矛盾纠纷",
            m.Dispute,
            (
                FieldSpec("title", "纠纷名称", T, required=True),
                choice("kind", "纠纷类型", m.DisputeKind),
                FieldSpec("occurred_on", "发生日期", Kind.DATE, required=True),
                FieldSpec("description", "基本情况", T, max_length=4000),
                choice("status", "状态", m.DisputeStatus, required=False),
                FieldSpec("closed_on", "办结日期", Kind.DATE),
                *PLACEMENT,
            ),
        ),
        Category(
            "school_area",
            "校园周边",
            m.SchoolArea,
            (
                FieldSpec("school_name", "学校名称", T, required=True),
                FieldSpec("address", "地址", T, required=True),
                FieldSpec("students", "在校学生数", Kind.INT),
                name("security_contact", "安保负责人"),
                FieldSpec("contact_phone", "安保负责人电话", Kind.PHONE),
                FieldSpec("hazards", "周边隐患", T, max_length=4000),
                *PLACEMENT,
            ),
        ),
        Category(
            "line_protection",
            "护路护线",
            m.LineProtection,
            (
                FieldSpec("name", "线路名称", T, required=True),
                choice("kind", "线路类型", m.LineKind),
                FieldSpec("section", "区段", T, required=True),
                FieldSpec("length_km", "长度（公里）", Kind.FLOAT),
                name("responsible_name", "护线责任人"),
                FieldSpec("responsible_phone", "责任人电话", Kind.PHONE),
                FieldSpec("hazards", "隐患情况", T, max_length=4000),
                *PLACEMENT,
            ),
        ),
    )
}


def custom_category(definition: m.CustomCategory) -> Category:
    specs = tuple(spec_from_definition(item) for item in definition.fields)
    return Category(
        CUSTOM_PREFIX + definition.code,
        definition.name,
        m.CustomRecord,
        (*specs, *PLACEMENT),
        sensitive=definition.sensitive,
        custom=definition,
    )


class UnknownCategory(LookupError):
    pass


def get_category(key: str) -> Category:
    if key in BUILTIN:
        return BUILTIN[key]
    if key.startswith(CUSTOM_PREFIX):
        definition = m.CustomCategory.objects.filter(
            code=key.removeprefix(CUSTOM_PREFIX), is_active=True
        ).first()
        if definition is not None:
            return custom_category(definition)
    raise UnknownCategory(key)


def all_categories() -> list[Category]:
    custom = m.CustomCategory.objects.filter(is_active=True)
    return [*BUILTIN.values(), *(custom_category(d) for d in custom)]


__all__ = ["BUILTIN", "Category", "FieldInvalid", "UnknownCategory", "all_categories"]
